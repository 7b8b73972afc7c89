"""`flavorhost conformance TYPE ...`: the protocol conformance kit against one sidecar."""

from __future__ import annotations

import os
from pathlib import Path

import click

from flavorhost.cli.output import table
from flavorhost.conformance import runner, target
from flavorhost.conformance.checks import Outcome, Result, one_line
from flavorhost.enums import StackComponentType
from flavorhost.errors import FlavorSourceError
from flavorhost.manifests import load_manifest
from flavorhost.protocol import COMPONENT_TYPE_ENV, FLAVOR_NAME_ENV, TOKEN_ENV
from flavorhost.sidecar_launch import LaunchCommand, manifest_command

TYPES = [kind.value for kind in StackComponentType]


def _kind(value: str) -> StackComponentType:
    try:
        return StackComponentType(value.replace("-", "_"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a component type; use one of {', '.join(TYPES)}"
        ) from None


def _manifest_command(path: str, kind: StackComponentType) -> LaunchCommand:
    """The launch of a manifest's sidecar, as the host would run it."""
    try:
        manifest = load_manifest(path)
        if manifest.type != kind:
            raise click.UsageError(
                f"manifest {path} declares a flavor of type {manifest.type.value}; run "
                f"`flavorhost conformance {manifest.type.cli_name} --manifest {path}`"
            )
        command = manifest_command(manifest.launch, os.path.abspath(path), f"manifest {path}")
    except (FlavorSourceError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    return LaunchCommand(
        command.argv,
        command.cwd,
        {**command.env, FLAVOR_NAME_ENV: manifest.name, COMPONENT_TYPE_ENV: manifest.type.value},
    )


@click.command(name="conformance")
@click.argument("type_name", metavar="TYPE")
@click.option("--component", default="", help="A component registered with the running host.")
@click.option("--address", default="", help="A running sidecar's socket, unix:///PATH.")
@click.option("--command", "command", default="", help="Launch this sidecar command (no shell).")
@click.option(
    "--manifest",
    "manifest_path",
    default="",
    help="Launch the sidecar of this flavor manifest as the host would (its command, folder "
    "and environment).",
)
@click.option("--token", default="", help=f"The sidecar's token with --address (or ${TOKEN_ENV}).")
@click.option("--config", "config_text", default="", help="The config JSON to Configure with.")
@click.option(
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the config JSON.",
)
@click.option("--large-mib", default=64, show_default=True, help="Size of the large-stream check.")
@click.option(
    "--concurrency", default=32, show_default=True, help="Threads of the concurrency check."
)
@click.option(
    "--handshake-timeout", default=60.0, show_default=True, help="Seconds to wait for --command."
)
@click.option("--verbose", "-v", is_flag=True, help="Print each check as it ends.")
def conformance(
    type_name: str,
    component: str,
    address: str,
    command: str,
    manifest_path: str,
    token: str,
    config_text: str,
    config_file: Path | None,
    large_mib: int,
    concurrency: int,
    handshake_timeout: float,
    verbose: bool,
) -> None:
    """Check that a sidecar of TYPE speaks the flavorhost protocol (exit 1 if a check fails).

    Name the sidecar with exactly one of --component, --address, --command or --manifest.
    """
    kind = _kind(type_name)
    if sum(bool(x) for x in (component, address, command, manifest_path)) != 1:
        raise click.UsageError(
            "give exactly one of --component, --address, --command or --manifest"
        )
    if config_text and config_file:
        raise click.UsageError("give --config or --config-file, not both")
    if component and (config_text or config_file):
        raise click.UsageError(
            "--config is for --command, --manifest and --address; a registered component keeps "
            "the config "
            f"it was registered with (`flavorhost {kind.cli_name} update {component} ...`)"
        )
    if config_file is not None:
        config_text = config_file.read_text()
    config = runner.parse_config(config_text) if config_text else None
    try:
        if command:
            reached = target.launch(command, handshake_timeout)
        elif manifest_path:
            reached = target.launch(_manifest_command(manifest_path, kind), handshake_timeout)
            reached.how = "manifest"
        elif address:
            reached = target.at_address(address, token)
        else:
            reached = target.registered(kind, component)
    except target.TargetError as error:
        raise click.ClickException(str(error)) from error

    def progress(result: Result) -> None:
        if verbose:
            click.echo(f"{result.outcome.value:4}  {result.check.name}: {result.reason}", err=True)

    with reached:
        report = runner.run(reached, kind, config, large_mib, concurrency, progress)
    table(
        ["CHECK", "AREA", "RPC", "RESULT", "REASON"],
        [
            [
                r.check.name,
                r.check.area,
                ", ".join(r.check.rpcs),
                r.outcome.value,
                one_line(r.reason, 140),
            ]
            for r in report.results
        ],
    )
    for note in report.notes:
        click.echo(f"Note: {note}")
    click.echo(
        f"{report.count(Outcome.PASS)} passed, {report.count(Outcome.FAIL)} failed, "
        f"{report.count(Outcome.SKIP)} skipped ({kind.value}, --{reached.how})."
    )
    if report.failed:
        raise SystemExit(1)
