"""The `local` artifact store: files in a directory of this machine."""
