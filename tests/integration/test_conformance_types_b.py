"""The conformance kit's model deployer, feature store, annotator, data validator and model
registry suites against the built-in flavors (launched by the kit), and against deliberately
wrong flavors whose bugs must be exactly the failures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from flavorhost.conformance.feature_store_checks import JOIN_KEY, write_fixture
from flavorhost.conformance.probe import service_descriptor
from flavorhost.enums import StackComponentType
from flavorhost.flavors import BUILTIN_FLAVORS
from tests.conftest import REPO
from tests.integration.conformance_runs import Row, run_kit

SIDECAR = f"{sys.executable} -m flavorhost.sidecar"
FIXTURE_ROOT = REPO / "tests" / "fixtures" / "conformance_b_repo"
FLAVORS = {
    StackComponentType.MODEL_DEPLOYER: ".local_model_deployer.",
    StackComponentType.FEATURE_STORE: ".local_feature_store.",
    StackComponentType.ANNOTATOR: ".local_annotator.",
    StackComponentType.DATA_VALIDATOR: ".column_stats_data_validator.",
    StackComponentType.MODEL_REGISTRY: ".local_model_registry.",
}
# RPCs the kit honestly cannot show passing against a built-in flavor, with the reason. None
# today: ModelValidation of column_stats passes by answering NOT_IMPLEMENTED, as the proto allows.
SKIPPED_RPCS: dict[StackComponentType, dict[str, str]] = {}
# Flavors whose folder must be empty again after the kit's run (its scratch things removed).
LEFT_EMPTY = (StackComponentType.MODEL_DEPLOYER, StackComponentType.ANNOTATOR)


def source(kind: StackComponentType) -> str:
    return next(s for s in BUILTIN_FLAVORS if FLAVORS[kind] in s)


def config(kind: StackComponentType, tmp: Path) -> dict[str, Any]:
    """What each built-in flavor needs, in fresh folders."""
    if kind is StackComponentType.FEATURE_STORE:
        write_fixture(str(tmp / "views"))
        return {"path": str(tmp / "views"), "join_keys": [JOIN_KEY]}
    if kind is StackComponentType.DATA_VALIDATOR:
        return {"max_missing_fraction": 0.5}
    return {"path": str(tmp / kind.value)}


def conformance(
    kind: StackComponentType, flavor: str, settings: dict[str, Any], root: str = ""
) -> tuple[int, list[Row], str]:
    """Runs the kit against a launched sidecar; its exit code, rows and whole output."""
    env = {"FLAVORHOST_FLAVOR_SOURCE": flavor, **({"FLAVORHOST_SOURCE_ROOT": root} if root else {})}
    config = ("--config", json.dumps(settings), "--concurrency", "8")
    return run_kit(kind.value, "--command", SIDECAR, *config, env=env)


@pytest.mark.parametrize("kind", list(FLAVORS), ids=lambda kind: kind.value)
def test_builtin_flavor_passes_and_every_rpc_is_covered(
    kind: StackComponentType, tmp_path: Path
) -> None:
    code, rows, output = conformance(kind, source(kind), config(kind, tmp_path))
    assert code == 0, output
    assert [r[0] for r in rows if r[3] == "FAIL"] == [], output
    passed = {
        rpc
        for name, area, rpcs, outcome, *_ in rows
        if area == kind.value and outcome == "PASS"
        for rpc in rpcs.split(", ")
    }
    every = {method.name for method in service_descriptor(kind).methods}
    skipped = SKIPPED_RPCS.get(kind, {})
    assert every - passed == set(skipped), output
    assert "(NO_SIDE_EFFECTS methods)" in passed, output
    assert [r for r in rows if r[1] == kind.value and r[3] == "SKIP"] == [], output
    folder = tmp_path / kind.value
    if kind in LEFT_EMPTY and folder.exists():
        assert list(folder.iterdir()) == [], output


def test_a_forgetful_model_registry_fails_exactly_its_bugs(tmp_path: Path) -> None:
    code, rows, output = conformance(
        StackComponentType.MODEL_REGISTRY,
        "flavors.forgetful_registry.ForgetfulRegistryFlavor",
        {"path": str(tmp_path / "registry")},
        str(FIXTURE_ROOT),
    )
    assert code == 1, output
    assert {r[0] for r in rows if r[3] == "FAIL"} == {
        "update a model",
        "list versions with filters",
    }, output
    assert "2 failed" in output


def test_a_stale_feature_store_fails_exactly_its_bug(tmp_path: Path) -> None:
    code, rows, output = conformance(
        StackComponentType.FEATURE_STORE,
        "flavors.stale_feature_store.StaleFeatureStoreFlavor",
        config(StackComponentType.FEATURE_STORE, tmp_path),
        str(FIXTURE_ROOT),
    )
    assert code == 1, output
    failures = [r for r in rows if r[3] == "FAIL"]
    assert [r[0] for r in failures] == ["historical features, point in time", "concurrent calls"]
    # Row 1 is asked as of a time before driver 1002's only row: the stale store answers it.
    assert "row 1 (1002 as of 2024-05-01T11:00:00+00:00) has [0.75, 5, None]" in output, output


def test_a_feature_store_without_the_fixture_skips_the_value_checks(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    kind = StackComponentType.FEATURE_STORE
    code, rows, output = conformance(
        kind, source(kind), {"path": str(tmp_path / "empty"), "join_keys": [JOIN_KEY]}
    )
    assert code == 0, output
    skipped = {r[0] for r in rows if r[1] == kind.value and r[3] == "SKIP"}
    assert "historical features, point in time" in skipped, output
    assert "unknown view or feature" not in skipped
    assert "does not serve the kit's fixture view" in output
