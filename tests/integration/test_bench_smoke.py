"""The benchmark's harness works (tiny sizes): `make bench` is not part of `make test`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_the_benchmark_runs_and_writes_its_tables(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--results", str(tmp_path)],
        check=True,
        timeout=600,
        cwd=tmp_path,
        capture_output=True,
    )
    report = json.loads((tmp_path / "latest.json").read_text())
    assert [row["call"] for row in report["latency"]] == ["exists", "stat", "listdir"]
    assert report["streaming"] and report["concurrency"] and report["cold_start"]
    assert report["memory"]["peak_mib"]["host"] > 0
    table = (tmp_path / "latest.md").read_text()
    for heading in ("Per-call latency", "Streaming", "Concurrent client", "Cold start", "RSS"):
        assert heading in table
