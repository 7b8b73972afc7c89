"""The root `flavorhost` command and its error handling."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from flavorhost.cli.components import component_group
from flavorhost.cli.conformance import conformance
from flavorhost.cli.host import host
from flavorhost.cli.pipelines import pipeline
from flavorhost.cli.secrets import secret
from flavorhost.cli.stacks import stack
from flavorhost.enums import StackComponentType
from flavorhost.errors import FlavorhostError
from flavorhost.sources import mark_source_root

# What a user can get wrong is reported as one line, without a traceback.
USER_ERRORS = (FlavorhostError, OSError, ValueError, LookupError, ValidationError)


class FlavorhostGroup(click.Group):
    """Turns flavorhost and OS errors into `Error: ...` and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=FlavorhostGroup)
@click.version_option(package_name="flavorhost")
def cli() -> None:
    """flavorhost: stack component flavors, each in its own sidecar process."""


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def init(path: Path | None) -> None:
    """Mark the source root: dotted flavor paths resolve from here."""
    root = (path or Path.cwd()).absolute()
    mark_source_root(root)
    click.echo(f"Initialized flavorhost source root at {root}.")


cli.add_command(host)
cli.add_command(stack)
cli.add_command(secret)
cli.add_command(pipeline)
cli.add_command(conformance)
# Every component type: `flavorhost artifact-store ...`, `flavorhost orchestrator ...`, ...
for _kind in StackComponentType:
    cli.add_command(component_group(_kind))


def main() -> None:
    """Console script entry point."""
    cli(prog_name="flavorhost")


if __name__ == "__main__":
    main()
    sys.exit(0)
