"""The `local` model registry: models and their versions in a SQLite file on this machine."""
