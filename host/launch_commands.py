"""How a flavor's sidecar is started: argv, working directory and environment (the launch contract).

Python flavors run `<python> -m flavorhost.sidecar` with their class's dotted path in the
environment; manifest flavors run their manifest's `launch` command. Exporting a Python flavor's
manifest writes its launch the same way, so both paths describe one contract (docs/protocol.md).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from flavorhost.errors import ComponentUnavailableError
from flavorhost.host.registry import FlavorRecord
from flavorhost.manifests import FlavorManifest, LaunchSpec, manifest_folder
from flavorhost.protocol import FLAVOR_SOURCE_ENV, SOURCE_ROOT_ENV

PYTHON_SIDECAR_MODULE = "flavorhost.sidecar"


@dataclass(frozen=True)
class LaunchCommand:
    """A sidecar's process, before the host adds the per-launch variables (cookie, token, ...)."""

    argv: list[str]
    cwd: str | None
    env: dict[str, str] = field(default_factory=dict)


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
    """A manifest's command, with its paths resolved from the manifest's folder; a missing
    program or folder is a ComponentUnavailableError that says what to fix."""
    where = f"{flavor.type.value} flavor {flavor.name!r} (manifest {flavor.source})"
    cwd = manifest_folder(flavor.source) / launch.working_dir
    if not cwd.is_dir():
        raise ComponentUnavailableError(
            f"the working_dir {launch.working_dir!r} of {where} is not a folder ({cwd}); fix "
            "launch.working_dir and register the manifest again"
        )
    if os.sep in launch.command or "/" in launch.command:
        # Not resolve(): a venv's python is a symlink that only works under its own name.
        program = os.path.abspath(cwd / launch.command)
        if not (os.access(program, os.X_OK) and Path(program).is_file()):
            raise ComponentUnavailableError(
                f"the command {launch.command!r} of {where} is not an executable file: "
                f"{program} (relative to its working_dir {cwd}); fix launch.command or "
                "launch.working_dir and register the manifest again"
            )
    else:
        program = shutil.which(launch.command) or ""
        if not program:
            raise ComponentUnavailableError(
                f"the command {launch.command!r} of {where} is not on the host's PATH "
                f"({os.environ.get('PATH', '')}); install it there, give launch.command as an "
                "absolute path, or restart the host (`flavorhost host stop`) from a shell whose "
                "PATH has it"
            )
    return LaunchCommand(argv=[program, *launch.args], cwd=str(cwd.resolve()), env=launch.env)


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
