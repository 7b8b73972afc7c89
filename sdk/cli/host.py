"""`flavorhost host start | stop | status`."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import click

from flavorhost.cli.output import pairs, table, when
from flavorhost.client import Client
from flavorhost.home import flavorhost_home
from flavorhost.host_connection import is_running, start_in_background, wait_until_stopped
from flavorhost.models import HostStatusModel
from flavorhost.remote_host import ADDRESS_ENV, RemoteHost


@click.group(name="host", help="Start, stop and inspect the host daemon.")
def host() -> None:
    pass


FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@host.command()
@click.option("--foreground", is_flag=True, help="Run in this process until interrupted.")
@click.option(
    "--address",
    metavar="HOST:PORT",
    help="Also listen on TCP (port 0: any free port). Every call needs the token; off loopback "
    "also TLS.",
)
@click.option("--token-file", type=FILE, help="The TCP token (default: generated into the home).")
@click.option("--tls-cert", type=FILE, help="TLS certificate chain (PEM) of the TCP listener.")
@click.option("--tls-key", type=FILE, help="TLS private key (PEM) of the TCP listener.")
def start(
    foreground: bool,
    address: str | None,
    token_file: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
) -> None:
    """Start the host (the CLI and the SDK also start it when needed)."""
    from flavorhost.host.remote_access import RemoteAccessError, TcpOptions

    if RemoteHost.from_environment() is not None:
        raise click.ClickException(
            f"{ADDRESS_ENV} is set, so this shell talks to the host at that address; unset it "
            "to start a host on this machine"
        )
    options: list[str] = []
    if address or token_file or tls_cert or tls_key:
        if not address:
            raise click.UsageError("--token-file, --tls-cert and --tls-key need --address")
        try:
            options = TcpOptions.check(address, token_file, tls_cert, tls_key).argv()
        except RemoteAccessError as error:
            raise click.ClickException(str(error)) from None
    home = flavorhost_home()
    if is_running(home):
        with Client(home, autostart=False) as client:
            running = client.host_status()
        click.echo(f"The flavorhost host is already running for {home}.")
        if address and not running.tcp_address:
            raise click.ClickException(
                "it does not listen on TCP; stop it (`flavorhost host stop`) and start it again "
                "with --address"
            )
        return
    if foreground:
        from flavorhost.host.daemon import main as run_host

        run_host(["--home", str(home), *options])
        return
    start_in_background(home, options)
    with Client(home, autostart=False) as client:
        status = client.host_status()
    click.echo(f"Started the flavorhost host (pid {status.pid}) on {status.address}.")
    if status.tcp_address:
        click.echo(f"Also listening on TCP {_tcp(status)}.")


@host.command()
def stop() -> None:
    """Stop the host and its sidecars."""
    remote = RemoteHost.from_environment()
    if remote is not None:
        with Client(autostart=False) as client:
            pid = client.stop_host()
        click.echo(f"Asked the flavorhost host at {remote.address} (pid {pid}) to stop.")
        return
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
    if RemoteHost.from_environment() is None and not is_running(home):
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
            ("TCP", _tcp(model) if model.tcp_address else "(none)"),
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


def _tcp(status: HostStatusModel) -> str:
    """The TCP listener in one line: address, TLS, where the token is."""
    tls = "TLS" if status.tcp_tls else "loopback, no TLS"
    return f"{status.tcp_address} ({tls}; token in {status.tcp_token_file})"
