"""`make demo` works: the quickstart runs end to end (custom flavor, pipeline, tracker, alerter)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import NODE_MISSING, REPO

DEMO_TIMEOUT_SECONDS = 300


def test_the_quickstart_runs_end_to_end() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "quickstart" / "run.py")],
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Demo complete." in out
    assert "[chat] question: deploy" in out and "alert      completed {'deploy': True}" in out
    assert "tracked: params" in out
    if not NODE_MISSING:
        assert "flavor 'node_local' ran open/exists/listdir" in out
        assert "0 failed, 10 skipped (artifact_store, --component)" in out
    assert not (REPO / "examples" / "quickstart" / ".flavorhost").exists()
