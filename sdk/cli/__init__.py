"""The `flavorhost` command line, in ZenML's grammar (`flavorhost artifact-store flavor list`)."""

from flavorhost.cli.main import cli, main

__all__ = ["cli", "main"]
