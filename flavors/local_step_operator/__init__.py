"""The `local` step operator: runs a step as its own process, with its own interpreter and
environment variables if configured."""
