"""Reading `--field=value` options that depend on the flavor (unknown to click up front)."""

from __future__ import annotations

import click


def parse_field_options(args: list[str]) -> dict[str, str]:
    """`['--path=/x', '--key', 'k']` -> `{'path': '/x', 'key': 'k'}`; dashes become underscores."""
    values: dict[str, str] = {}
    index = 0
    while index < len(args):
        token = args[index]
        if not token.startswith("--") or token == "--":
            raise click.UsageError(
                f"unexpected argument {token!r}; give config fields as --FIELD=VALUE"
            )
        name, equals, value = token[2:].partition("=")
        if not equals:
            if index + 1 >= len(args) or args[index + 1].startswith("--"):
                raise click.UsageError(f"--{name} needs a value: --{name}=VALUE")
            index += 1
            value = args[index]
        key = name.replace("-", "_")
        if not key:
            raise click.UsageError(f"{token!r} names no field")
        if key in values:
            raise click.UsageError(f"--{name} is given twice")
        values[key] = value
        index += 1
    return values
