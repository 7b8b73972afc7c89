"""The conformance kit's orchestrator, step operator, experiment tracker, alerter and container
registry suites against the built-in flavors (launched by the kit), and against broken flavors
whose bugs must be exactly the failures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from flavorhost.conformance.probe import service_descriptor
from flavorhost.enums import StackComponentType
from flavorhost.flavors import BUILTIN_FLAVORS
from tests.conftest import REPO
from tests.integration.conformance_runs import Row, run_kit

SIDECAR = f"{sys.executable} -m flavorhost.sidecar"
FIXTURE_ROOT = REPO / "tests" / "fixtures" / "conformance_types_a_repo"


def _source(module: str) -> str:
    return next(s for s in BUILTIN_FLAVORS if f".{module}." in s)


def conformance(kind: str, *args: str, env: dict[str, str]) -> tuple[int, list[Row], str]:
    """Runs the kit against a sidecar it launches; its exit code, table rows and output."""
    return run_kit(kind, "--command", SIDECAR, *args, env=env)


# (type, built-in flavor module, --config). The alerter and container registry suites make
# their own config when given none: a webhook receiver, an image store they fill.
BUILTINS = [
    (StackComponentType.ORCHESTRATOR, "local_orchestrator", {"step_timeout_seconds": 60}),
    (StackComponentType.STEP_OPERATOR, "local_step_operator", {}),
    (StackComponentType.EXPERIMENT_TRACKER, "file_experiment_tracker", None),
    (StackComponentType.ALERTER, "webhook_alerter", None),
    (StackComponentType.CONTAINER_REGISTRY, "local_container_registry", None),
]


@pytest.mark.parametrize(("kind", "module", "config"), BUILTINS, ids=[b[1] for b in BUILTINS])
def test_builtin_flavor_passes_and_every_rpc_is_covered(
    home: Path, tmp_path: Path, kind: StackComponentType, module: str, config: dict[str, Any] | None
) -> None:
    if kind is StackComponentType.EXPERIMENT_TRACKER:
        config = {"root": str(tmp_path / "tracking")}
    args = ["--config", json.dumps(config)] if config is not None else []
    code, rows, output = conformance(
        kind.value, *args, env={"FLAVORHOST_FLAVOR_SOURCE": _source(module)}
    )
    assert code == 0, output
    assert [r.check for r in rows if r.outcome == "FAIL"] == [], output
    ours = [r for r in rows if r.area == kind.value]
    assert ours and all(r.outcome == "PASS" for r in ours), output
    # From the generated descriptor: a new RPC without a passing check fails here.
    rpcs = {m.name for m in service_descriptor(kind).methods}
    covered = set().union(*(r.rpc_names for r in ours))
    assert rpcs - covered == set(), output
    assert "0 failed" in output


def test_a_tracker_that_loses_metrics_fails_exactly_that(home: Path, tmp_path: Path) -> None:
    code, rows, output = conformance(
        "experiment_tracker",
        "--config",
        json.dumps({"root": str(tmp_path / "tracking")}),
        env={
            "FLAVORHOST_FLAVOR_SOURCE": "broken_a.lossy_tracker.LossyTrackerFlavor",
            "FLAVORHOST_SOURCE_ROOT": str(FIXTURE_ROOT),
        },
    )
    assert code == 1, output
    assert {r.check for r in rows if r.outcome == "FAIL"} == {"log metrics and read back"}, output
    assert "1 failed" in output


def test_a_step_operator_reporting_success_for_failures_is_caught(home: Path) -> None:
    code, rows, output = conformance(
        "step_operator",
        env={
            "FLAVORHOST_FLAVOR_SOURCE": (
                "broken_a.optimistic_step_operator.OptimisticStepOperatorFlavor"
            ),
            "FLAVORHOST_SOURCE_ROOT": str(FIXTURE_ROOT),
        },
    )
    assert code == 1, output
    assert {r.check for r in rows if r.outcome == "FAIL"} == {
        "launch reports a failing command",
        "concurrent launches",
    }, output
    assert "a command that exits 1 was reported with exit_code 0" in output
