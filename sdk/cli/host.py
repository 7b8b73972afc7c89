"""`flavorhost host start | stop | status`."""

from __future__ import annotations

import dataclasses
import json
import time

import click

from flavorhost.cli.output import pairs, table, when
from flavorhost.client import Client
from flavorhost.home import flavorhost_home
from flavorhost.host_connection import is_running, start_in_background, wait_until_stopped


@click.group(name="host", help="Start, stop and inspect the host daemon.")
def host() -> None:
    pass


@host.command()
@click.option("--foreground", is_flag=True, help="Run in this process until interrupted.")
def start(foreground: bool) -> None:
    """Start the host (the CLI and the SDK also start it when needed)."""
    home = flavorhost_home()
    if is_running(home):
        click.echo(f"The flavorhost host is already running for {home}.")
        return
    if foreground:
        from flavorhost.host.daemon import main as run_host

        run_host(["--home", str(home)])
        return
    start_in_background(home)
    with Client(home, autostart=False) as client:
        status = client.host_status()
    click.echo(f"Started the flavorhost host (pid {status.pid}) on {status.address}.")


@host.command()
def stop() -> None:
    """Stop the host and its sidecars."""
    home = flavorhost_home()
    if not is_running(home):
        click.echo(f"No flavorhost host is running for {home}.")
        return
    with Client(home, autostart=False) as client:
        pid = client.stop_host()
    if not wait_until_stopped(pid):
        raise click.ClickException(f"the host (pid {pid}) did not stop within 30s")
    click.echo(f"Stopped the flavorhost host (pid {pid}).")


@host.command()
@click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table")
def status(output: str) -> None:
    """Show the host and its sidecars."""
    home = flavorhost_home()
    if not is_running(home):
        if output == "json":
            click.echo(json.dumps({"running": False, "home": str(home)}))
        else:
            click.echo(f"No flavorhost host is running for {home}.")
        raise SystemExit(1)
    with Client(home, autostart=False) as client:
        model = client.host_status()
    if output == "json":
        data = dataclasses.asdict(model)
        data["running"] = True
        click.echo(json.dumps(data, indent=2, default=str))
        return
    pairs(
        [
            ("Host pid", model.pid),
            ("Address", model.address),
            ("Started", when(model.started)),
            ("Uptime", f"{time.time() - model.started:.0f}s"),
            ("Version", model.version),
        ]
    )
    click.echo()
    table(
        [
            "PID",
            "TYPE",
            "FLAVOR",
            "COMPONENTS",
            "STATE",
            "UPTIME",
            "RESTARTS",
            "ENVIRONMENT",
            "LOG",
        ],
        [
            [
                s.pid,
                s.type.value if s.type else "?",
                s.flavor,
                ",".join(s.components),
                s.state,
                f"{time.time() - s.started:.0f}s",
                s.restarts,
                s.environment,
                s.log_path,
            ]
            for s in model.sidecars
        ],
    )
    for sidecar in model.sidecars:
        if sidecar.error:
            click.echo(f"\n{sidecar.flavor}: {sidecar.error}")
