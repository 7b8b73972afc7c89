"""The CLI's one Client, created on first use (so `--help` never starts a host)."""

from __future__ import annotations

import click

from flavorhost.client import Client


def client() -> Client:
    """The Client of the current command, closed when the command ends."""
    context = click.get_current_context()
    root = context.find_root()
    existing = root.meta.get("flavorhost.client")
    if isinstance(existing, Client):
        return existing
    created = Client()
    root.meta["flavorhost.client"] = created
    root.call_on_close(created.close)
    return created
