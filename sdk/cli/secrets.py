"""`flavorhost secret ...`: named key/value sets that secret config fields reference."""

from __future__ import annotations

import click

from flavorhost.cli.extra_options import parse_field_options
from flavorhost.cli.output import pairs, table, when
from flavorhost.cli.session import client
from flavorhost.configs import MASK

FIELD_OPTIONS = {"ignore_unknown_options": True, "allow_extra_args": True}


def _secret_values(args: list[str]) -> dict[str, str]:
    """`--KEY=VALUE` options; `--KEY=@PATH` reads the value from a file, keeping it out of argv."""
    values = parse_field_options(args)
    for key, value in values.items():
        if value.startswith("@"):
            try:
                with open(value[1:], encoding="utf-8") as file:
                    values[key] = file.read().rstrip("\n")
            except OSError as error:
                message = f"--{key}: cannot read {value[1:]}: {error.strerror}"
                raise click.UsageError(message) from error
    return values


@click.group(name="secret", help="Manage secrets (reference them in configs as {{NAME.KEY}}).")
def secret() -> None:
    pass


@secret.command(name="create", context_settings=FIELD_OPTIONS)
@click.argument("name")
@click.pass_context
def create(context: click.Context, name: str) -> None:
    """Create a secret: NAME --KEY=VALUE ... (--KEY=@FILE reads the value from FILE)."""
    created = client().create_secret(name, _secret_values(list(context.args)))
    click.echo(f"Created secret {created.name!r} with keys {', '.join(created.keys)}.")


@secret.command(name="list")
def list_() -> None:
    """List the secrets (keys only)."""
    table(
        ["NAME", "KEYS", "USED BY"],
        [[s.name, ", ".join(s.keys), ", ".join(s.used_by)] for s in client().list_secrets()],
    )


@secret.command(name="describe")
@click.argument("name")
@click.option("--reveal", is_flag=True, help="Show the values.")
def describe(name: str, reveal: bool) -> None:
    """Show a secret; values stay masked unless --reveal."""
    model = client().get_secret(name, reveal=reveal)
    pairs(
        [
            ("Secret", model.name),
            ("ID", model.id),
            ("Updated", when(model.updated)),
            ("Used by", ", ".join(model.used_by) or "(nothing)"),
        ]
    )
    click.echo()
    table(["KEY", "VALUE"], [[k, model.values[k] if reveal else MASK] for k in model.keys])


@secret.command(name="update", context_settings=FIELD_OPTIONS)
@click.argument("name")
@click.option("--remove-key", "remove_keys", multiple=True, help="A key to remove (repeatable).")
@click.pass_context
def update(context: click.Context, name: str, remove_keys: tuple[str, ...]) -> None:
    """Set keys (NAME --KEY=VALUE ...) or remove them (--remove-key KEY)."""
    values = _secret_values(list(context.args))
    if not values and not remove_keys:
        raise click.UsageError("nothing to update; pass --KEY=VALUE or --remove-key KEY")
    client().update_secret(name, values, remove_keys)
    click.echo(f"Updated secret {name!r}.")


@secret.command(name="delete")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete even while components reference it.")
def delete(name: str, force: bool) -> None:
    """Delete a secret (refused while referenced, unless --force)."""
    client().delete_secret(name, force=force)
    click.echo(f"Deleted secret {name!r}.")
