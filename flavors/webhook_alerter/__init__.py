"""The `webhook` alerter: posts JSON to an HTTP(S) webhook, and polls for answers to questions."""
