"""`flavorhost conformance` run as a user runs it, and its table read back, for the kit's tests."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import NamedTuple

from tests.conftest import CLI_TIMEOUT_SECONDS, FLAVORHOST_BIN


class Row(NamedTuple):
    """One line of the kit's table."""

    check: str
    area: str
    rpcs: str
    outcome: str
    reason: str = ""

    @property
    def rpc_names(self) -> set[str]:
        """The RPCs the check covers, without their service."""
        return {rpc.strip().split("/")[-1] for rpc in self.rpcs.split(",")}


def run_kit(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[int, list[Row], str]:
    """Runs `flavorhost conformance ARGS`; its exit code, table rows and whole output."""
    result = subprocess.run(
        [FLAVORHOST_BIN, "conformance", *args],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_SECONDS * 3,
        check=False,
    )
    rows = []
    for line in result.stdout.splitlines():
        columns = re.split(r"\s{2,}", line.strip())
        if len(columns) >= 4 and columns[3] in ("PASS", "FAIL", "SKIP"):
            rows.append(Row(*columns[:4], reason=" ".join(columns[4:])))
    return result.returncode, rows, result.stdout + result.stderr
