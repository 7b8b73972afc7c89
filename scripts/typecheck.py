"""Runs mypy on the `flavorhost` package as installed: sdk/, host/ and flavors/ in one tree.

mypy cannot follow the editable install's package-dir mapping, so this lays out a tree of
symlinks (build/typecheck/flavorhost/...) that has the installed shape and checks that.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TREE = REPO / "build" / "typecheck"


def main() -> int:
    shutil.rmtree(TREE, ignore_errors=True)
    package = TREE / "flavorhost"
    package.mkdir(parents=True)
    for entry in (REPO / "sdk").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "host").symlink_to(REPO / "host")
    (package / "flavors").symlink_to(REPO / "flavors")
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(REPO / "pyproject.toml"),
        "-p",
        "flavorhost",
    ]
    return subprocess.run(command, cwd=TREE, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
