"""`flavorhost <type> ...`: components of one type, and `flavorhost <type> flavor ...`.

One group per component type, built by the same factory, so every type has the same commands.
"""

from __future__ import annotations

import json
import shlex

import click

from flavorhost.cli.extra_options import parse_field_options
from flavorhost.cli.output import pairs, table, when
from flavorhost.cli.session import client
from flavorhost.enums import StackComponentType
from flavorhost.protocol import DEFAULT_CALL_TIMEOUT_SECONDS

FIELD_OPTIONS = {"ignore_unknown_options": True, "allow_extra_args": True}
CALL_TIMEOUT_HELP = (
    "Seconds each call to the component (and each wait on a stream) may take before the host "
    "deems its sidecar hung and restarts it; 0 means the default "
    f"({DEFAULT_CALL_TIMEOUT_SECONDS:.0f})."
)


def _build_environment(kind: StackComponentType, flavor_name: str) -> None:
    """Builds a flavor's environment now, with progress, rather than silently on first use."""
    flavor = client().get_flavor(kind, flavor_name)
    if flavor.environment_state not in ("missing", "failed"):
        return
    click.echo(f"Building its environment ({', '.join(flavor.requirements)}):")
    for line in client().build_flavor_environment(kind, flavor.name):
        click.echo(f"  {line}")
    click.echo("Environment ready.")


def _call_timeout(seconds: float) -> str:
    if seconds:
        return f"{seconds:g}s"
    return f"{DEFAULT_CALL_TIMEOUT_SECONDS:g}s (default)"


def _flavor_group(kind: StackComponentType) -> click.Group:
    label = kind.value.replace("_", " ")

    @click.group(name="flavor", help=f"Manage {label} flavors.")
    def group() -> None:
        pass

    @group.command(name="register")
    @click.argument("source", required=False, default="")
    @click.option(
        "--manifest",
        default="",
        help="Register the flavor this manifest file declares (docs/manifests.md) instead of a "
        "Python class: its sidecar can be written in any language.",
    )
    @click.option(
        "--requirement",
        "-r",
        "requirements",
        multiple=True,
        help="A pip requirement of the implementation (repeatable); installed only in the "
        "flavor's own environment.",
    )
    @click.option(
        "--python",
        default="",
        help="Run the sidecar with this existing interpreter (it must have flavorhost).",
    )
    def register(source: str, manifest: str, requirements: tuple[str, ...], python: str) -> None:
        """Register a flavor class by its dotted path (e.g. flavors.my_flavor.MyFlavor), or a
        flavor in any language by its manifest (--manifest flavor.json)."""
        if bool(source) == bool(manifest):
            raise click.UsageError(
                "give either a flavor class's dotted path (flavors.my_flavor.MyFlavor) or "
                "--manifest PATH, not both"
                if source
                else "give the flavor class's dotted path, e.g. flavors.my_flavor.MyFlavor, or "
                "--manifest PATH for a flavor declared by manifest"
            )
        if manifest:
            if requirements or python:
                raise click.UsageError(
                    "--requirement and --python are for Python flavors; a manifest flavor runs "
                    "the command its manifest's launch names"
                )
            flavor = client().register_flavor_manifest(kind, manifest)
            click.echo(f"Registered {label} flavor {flavor.name!r} from manifest {flavor.source}.")
            return
        flavor = client().register_flavor(kind, source, requirements=requirements, python=python)
        click.echo(f"Registered {label} flavor {flavor.name!r} from {flavor.source}.")
        _build_environment(kind, flavor.name)

    @group.command(name="list")
    def list_() -> None:
        """List the registered flavors."""
        flavors = client().list_flavors(kind)
        table(
            ["FLAVOR", "BUILTIN", "SOURCE"],
            [[f.name, "yes" if f.builtin else "no", f.source] for f in flavors],
        )

    @group.command(name="describe")
    @click.argument("name")
    @click.option(
        "--manifest",
        "as_manifest",
        is_flag=True,
        help="Print the flavor as a manifest (JSON; for a Python flavor, generated from its "
        "config class), ready for `flavor register --manifest`.",
    )
    def describe(name: str, as_manifest: bool) -> None:
        """Show a flavor's config fields."""
        flavor = client().get_flavor(kind, name)
        if as_manifest:
            click.echo(json.dumps(flavor.manifest, indent=2))
            return
        if flavor.from_manifest:
            launch = flavor.manifest.get("launch", {})
            where: list[tuple[str, str]] = [
                ("Manifest", flavor.source),
                ("Runs", shlex.join([launch.get("command", ""), *launch.get("args", [])])),
            ]
        else:
            where = [
                ("Source", flavor.source),
                ("Source root", flavor.source_root or "(built in)"),
                ("Requirements", ", ".join(flavor.requirements) or "(none)"),
                ("Environment", f"{flavor.environment_state}: {flavor.environment_python}"),
            ]
        pairs([("Flavor", flavor.name), ("Type", kind.value), *where])
        if flavor.environment_message:
            click.echo(f"Last environment build failed:\n{flavor.environment_message}")
        click.echo()
        table(
            ["FIELD", "TYPE", "REQUIRED", "DEFAULT", "SECRET", "DESCRIPTION"],
            [
                [
                    f.name,
                    f.type,
                    "yes" if f.required else "no",
                    "" if f.required else json.dumps(f.default),
                    "yes" if f.secret else "no",
                    f.description,
                ]
                for f in flavor.fields
            ],
        )

    @group.command(name="delete")
    @click.argument("name")
    def delete(name: str) -> None:
        """Delete a flavor no component uses."""
        client().delete_flavor(kind, name)
        click.echo(f"Deleted {label} flavor {name!r}.")

    return group


def component_group(kind: StackComponentType) -> click.Group:
    """The CLI group of one component type."""
    label = kind.value.replace("_", " ")

    @click.group(name=kind.cli_name, help=f"Manage {label}s and their flavors.")
    def group() -> None:
        pass

    group.add_command(_flavor_group(kind))

    @group.command(name="register", context_settings=FIELD_OPTIONS)
    @click.argument("name")
    @click.option("--flavor", "-f", required=True, help="The flavor to use.")
    @click.option("--call-timeout", type=float, default=0.0, help=CALL_TIMEOUT_HELP)
    @click.pass_context
    def register(context: click.Context, name: str, flavor: str, call_timeout: float) -> None:
        """Register a component: NAME --flavor=FLAVOR --FIELD=VALUE ..."""
        values = parse_field_options(list(context.args))
        component = client().register_component(
            kind, name, flavor, values=values, call_timeout=call_timeout
        )
        click.echo(f"Registered {label} {component.name!r} (flavor {component.flavor!r}).")
        _build_environment(kind, component.flavor)

    @group.command(name="list")
    def list_() -> None:
        """List the components of this type."""
        active = client().get_stack().components.get(kind)
        components = client().list_components(kind)
        rows = [
            [
                "*" if active and active.id == c.id else "",
                c.name,
                c.flavor,
                "broken" if c.broken else "ok",
                c.id,
            ]
            for c in components
        ]
        table(["ACTIVE", "NAME", "FLAVOR", "STATE", "ID"], rows)
        for component in components:
            if component.broken:
                click.echo(f"\n{component.name} is broken: {component.error}")

    @group.command(name="describe")
    @click.argument("name")
    def describe(name: str) -> None:
        """Show a component and its config (secret values masked)."""
        component = client().get_component(kind, name)
        pairs(
            [
                ("Name", component.name),
                ("Type", kind.value),
                ("Flavor", component.flavor),
                ("ID", component.id),
                ("Created", when(component.created)),
                ("Updated", when(component.updated)),
                ("State", f"broken: {component.error}" if component.broken else "ok"),
                ("Call timeout", _call_timeout(component.call_timeout)),
            ]
        )
        click.echo()
        table(["FIELD", "VALUE"], [[k, json.dumps(v)] for k, v in component.config.items()])

    @group.command(name="update", context_settings=FIELD_OPTIONS)
    @click.argument("name")
    @click.option("--call-timeout", type=float, default=None, help=CALL_TIMEOUT_HELP)
    @click.pass_context
    def update(context: click.Context, name: str, call_timeout: float | None) -> None:
        """Change config fields: NAME --FIELD=VALUE ... [--call-timeout SECONDS]"""
        values = parse_field_options(list(context.args))
        if not values and call_timeout is None:
            raise click.UsageError("nothing to update; pass --FIELD=VALUE or --call-timeout")
        client().update_component(kind, name, values=values, call_timeout=call_timeout)
        click.echo(f"Updated {label} {name!r}.")

    @group.command(name="delete")
    @click.argument("name")
    def delete(name: str) -> None:
        """Delete a component no stack uses."""
        client().delete_component(kind, name)
        click.echo(f"Deleted {label} {name!r}.")

    return group
