"""The `file` experiment tracker: what steps log, as JSON files in a folder of this machine."""
