"""`flavorhost stack ...`."""

from __future__ import annotations

import click

from flavorhost.cli.output import pairs, table
from flavorhost.cli.session import client
from flavorhost.enums import StackComponentType

# ZenML's option names and short flags for `stack register`.
SHORT_FLAGS = {
    StackComponentType.ARTIFACT_STORE: "-a",
    StackComponentType.ORCHESTRATOR: "-o",
    StackComponentType.CONTAINER_REGISTRY: "-c",
    StackComponentType.STEP_OPERATOR: "-s",
    StackComponentType.FEATURE_STORE: "-f",
    StackComponentType.MODEL_DEPLOYER: "-d",
    StackComponentType.EXPERIMENT_TRACKER: "-e",
    StackComponentType.ALERTER: "-al",
    StackComponentType.ANNOTATOR: "-an",
    StackComponentType.DATA_VALIDATOR: "-dv",
    StackComponentType.MODEL_REGISTRY: "-r",
}


@click.group(name="stack", help="Manage stacks.")
def stack() -> None:
    pass


def _register(name: str, **options: str | None) -> None:
    """Register a stack from components, one per type."""
    members = {
        StackComponentType(key): value for key, value in options.items() if value is not None
    }
    created = client().register_stack(name, members)
    click.echo(f"Registered stack {created.name!r}.")


register = click.argument("name")(_register)
for _kind, _flag in SHORT_FLAGS.items():
    register = click.option(
        f"--{_kind.cli_name}",
        _flag,
        _kind.value,
        default=None,
        help=f"Name of the {_kind.value.replace('_', ' ')}.",
    )(register)
stack.command(name="register")(register)


@stack.command(name="list")
def list_() -> None:
    """List the stacks."""
    rows = [
        [
            "*" if s.active else "",
            s.name,
            ", ".join(f"{k.value}={c.name}" for k, c in sorted(s.components.items())),
        ]
        for s in client().list_stacks()
    ]
    table(["ACTIVE", "NAME", "COMPONENTS"], rows)


@stack.command(name="set")
@click.argument("name")
def set_(name: str) -> None:
    """Make a stack the active one."""
    client().activate_stack(name)
    click.echo(f"Active stack: {name!r}.")


@stack.command(name="describe")
@click.argument("name", required=False, default="")
def describe(name: str) -> None:
    """Show a stack (the active one by default)."""
    model = client().get_stack(name)
    pairs([("Stack", model.name), ("ID", model.id), ("Active", "yes" if model.active else "no")])
    click.echo()
    table(
        ["TYPE", "COMPONENT", "FLAVOR"],
        [[k.value, c.name, c.flavor] for k, c in sorted(model.components.items())],
    )


@stack.command(name="delete")
@click.argument("name")
def delete(name: str) -> None:
    """Delete a stack other than the active one."""
    client().delete_stack(name)
    click.echo(f"Deleted stack {name!r}.")
