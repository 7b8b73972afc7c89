"""How a flavor's sidecar is started: argv, working directory and environment (the launch contract).

Python flavors run `<python> -m flavorhost.sidecar` with their class's dotted path in the
environment; manifest flavors run their manifest's `launch` command. Exporting a Python flavor's
manifest writes its launch the same way, so both paths describe one contract (docs/protocol.md).
"""

from __future__ import annotations

from flavorhost.errors import ComponentUnavailableError
from flavorhost.host.registry import FlavorRecord
from flavorhost.manifests import FlavorManifest, LaunchSpec
from flavorhost.protocol import FLAVOR_SOURCE_ENV, SOURCE_ROOT_ENV
from flavorhost.sidecar_launch import LaunchCommand, manifest_command

PYTHON_SIDECAR_MODULE = "flavorhost.sidecar"


def python_launch(flavor: FlavorRecord, python: str) -> LaunchCommand:
    """The Python runtime, loading the flavor class from its source root."""
    return LaunchCommand(
        argv=[python, "-m", PYTHON_SIDECAR_MODULE],
        cwd=flavor.source_root or None,
        env={
            FLAVOR_SOURCE_ENV: flavor.source,
            SOURCE_ROOT_ENV: flavor.source_root,
            "PYTHONUNBUFFERED": "1",
        },
    )


def manifest_launch(flavor: FlavorRecord, launch: LaunchSpec) -> LaunchCommand:
    """A manifest flavor's command; a missing program or folder is a ComponentUnavailableError
    that says what to fix (the host's PATH is the one it was started with)."""
    where = f"{flavor.type.value} flavor {flavor.name!r} (manifest {flavor.source})"
    try:
        return manifest_command(launch, flavor.source, where)
    except ValueError as error:
        raise ComponentUnavailableError(
            f"{error}, then register the manifest again (or, for a program on another PATH, "
            "restart the host from a shell that has it: `flavorhost host stop`)"
        ) from None


def launch_command(
    flavor: FlavorRecord, python: str, manifest: FlavorManifest | None
) -> LaunchCommand:
    """How to start `flavor`'s sidecar."""
    if manifest is not None:
        return manifest_launch(flavor, manifest.launch)
    return python_launch(flavor, python)


def exported_launch(flavor: FlavorRecord, python: str) -> LaunchSpec:
    """A Python flavor's launch as a manifest writes it (absolute paths, so the manifest works
    from any folder)."""
    command = python_launch(flavor, python)
    return LaunchSpec(
        command=command.argv[0],
        args=command.argv[1:],
        working_dir=command.cwd or ".",
        env=command.env,
    )
