"""The conformance kit (`flavorhost conformance`) against the built-in artifact stores, reached
each way it can reach a sidecar, and against a broken flavor it must catch."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.conformance import runner, target
from flavorhost.conformance.checks import Outcome
from flavorhost.enums import StackComponentType
from flavorhost.flavors import BUILTIN_FLAVORS, BUILTIN_MANIFESTS
from tests.conftest import (
    NODE_FLAVOR,
    NODE_MISSING,
    REPO,
    s3_config,
)
from tests.integration.conformance_runs import run_kit

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
LOCAL_SOURCE = next(s for s in BUILTIN_FLAVORS if ".local_artifact_store." in s)
S3_SOURCE = next(s for s in BUILTIN_FLAVORS if ".s3_artifact_store." in s)
FIXTURE_ROOT = REPO / "tests" / "fixtures" / "conformance_repo"
SIDECAR = f"{sys.executable} -m flavorhost.sidecar"
LIFECYCLE_ONLY = {
    "handshake line",
    "plugin info",
    "configure then call",
    "unconfigured component",
    "missing component metadata",
    "config not a JSON object",
    "configure twice",
    "release unknown",
    "release twice, then not configured",
    "shutdown",
}


def conformance(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[int, dict[str, str], str]:
    """Runs the kit; returns its exit code, each check's result, and its whole output."""
    code, rows, output = run_kit(*args, env=env, cwd=cwd)
    return code, {row.check: row.outcome for row in rows}, output


def failed(outcomes: dict[str, str]) -> set[str]:
    return {name for name, outcome in outcomes.items() if outcome == "FAIL"}


def test_local_passes_when_the_kit_launches_it(tmp_path: Path) -> None:
    code, outcomes, output = conformance(
        "artifact-store", "--command", SIDECAR, env={"FLAVORHOST_FLAVOR_SOURCE": LOCAL_SOURCE}
    )
    assert code == 0, output
    assert failed(outcomes) == set()
    assert outcomes["shutdown"] == "PASS" and outcomes["large stream"] == "PASS"
    assert "SKIP" not in outcomes.values(), output
    assert "0 failed" in output


def test_local_passes_as_a_registered_component(client: Client, tmp_path: Path) -> None:
    client.register_component(ARTIFACT_STORE, "kitstore", "local", config={"path": str(tmp_path)})
    code, outcomes, output = conformance("artifact_store", "--component", "kitstore")
    assert code == 0, output
    assert failed(outcomes) == set()
    # The host owns the sidecar: its lifecycle is not the kit's to check.
    assert {n for n, o in outcomes.items() if o == "SKIP"} == LIFECYCLE_ONLY, output
    assert "the host owns this sidecar's lifecycle" in output
    for name in ("write then read", "token required", "grant expired or forged", "walk"):
        assert outcomes[name] == "PASS", output
    # The scratch folder is gone: a user's store is left as it was.
    assert os.listdir(tmp_path) == []


def test_s3_passes_against_an_s3_server(home: Path, s3_endpoint: str) -> None:
    bucket = "s3://flavorhost-conformance"
    with Client(home) as client:
        client.register_component(
            ARTIFACT_STORE, "kits3", "s3", config=s3_config(s3_endpoint, f"{bucket}/root")
        )
    code, outcomes, output = conformance(
        "artifact_store", "--component", "kits3", "--large-mib", "16"
    )
    assert code == 0, output
    assert failed(outcomes) == set()
    with Client(home) as client:
        python = client.get_flavor(ARTIFACT_STORE, "s3").environment_python
    assert python, "the host built the s3 environment on first use"
    config = json.dumps(s3_config(s3_endpoint, f"{bucket}/root"))
    code, outcomes, output = conformance(
        "artifact_store",
        "--command",
        f"{python} -m flavorhost.sidecar",
        "--config",
        config,
        "--large-mib",
        "16",
        env={"FLAVORHOST_FLAVOR_SOURCE": S3_SOURCE},
    )
    assert code == 0, output
    assert failed(outcomes) == set()
    assert outcomes["shutdown"] == "PASS"


@pytest.mark.skipif(bool(NODE_MISSING), reason=NODE_MISSING)
def test_node_local_passes_when_the_kit_launches_it() -> None:
    """The JavaScript flavor meets the same contract, checked the same way."""
    code, outcomes, output = conformance(
        "artifact_store", "--command", f"node {NODE_FLAVOR / 'server.js'}"
    )
    assert code == 0, output
    assert failed(outcomes) == set() and "SKIP" not in outcomes.values(), output
    assert outcomes["large stream"] == "PASS" and outcomes["shutdown"] == "PASS"


@pytest.mark.skipif(bool(NODE_MISSING), reason=NODE_MISSING)
def test_node_local_passes_launched_from_its_manifest(tmp_path: Path) -> None:
    """--manifest: the kit runs the manifest's command in its folder, as the host would, from
    any working directory."""
    manifest = NODE_FLAVOR / "flavor.json"
    code, outcomes, output = conformance(
        "artifact-store", "--manifest", str(manifest), "--large-mib", "8", cwd=tmp_path
    )
    assert code == 0, output
    assert failed(outcomes) == set() and outcomes["shutdown"] == "PASS", output
    assert "(artifact_store, --manifest)" in output
    code, _, output = conformance("orchestrator", "--manifest", str(manifest))
    assert code == 2 and "declares a flavor of type artifact_store" in output


@pytest.mark.skipif(bool(NODE_MISSING), reason=NODE_MISSING)
def test_node_local_passes_as_a_registered_component(client: Client, tmp_path: Path) -> None:
    """Registered from its manifest by the host, reached through the host's grant."""
    client.register_component(
        ARTIFACT_STORE, "nodekit", "node_local", config={"path": str(tmp_path)}
    )
    code, outcomes, output = conformance("artifact_store", "--component", "nodekit")
    assert code == 0, output
    assert failed(outcomes) == set()
    assert {n for n, o in outcomes.items() if o == "SKIP"} == LIFECYCLE_ONLY, output
    assert os.listdir(tmp_path) == []


def test_a_broken_flavor_fails_exactly_its_bugs() -> None:
    code, outcomes, output = conformance(
        "artifact_store",
        "--command",
        SIDECAR,
        "--large-mib",
        "4",
        env={
            "FLAVORHOST_FLAVOR_SOURCE": "flavors.broken_store.BrokenFlavor",
            "FLAVORHOST_SOURCE_ROOT": str(FIXTURE_ROOT),
        },
    )
    assert code == 1, output
    assert failed(outcomes) == {"stat and size", "copyfile"}, output
    assert "got INTERNAL/FLAVOR_ERROR: KeyError" in output
    assert "expected ALREADY_EXISTS/FILE_EXISTS, got OK" in output
    assert "2 failed" in output


def test_a_command_that_exits_before_its_handshake_is_named_with_its_stderr() -> None:
    command = (
        f"{sys.executable} -c \"import sys; sys.stderr.write('no flavor here\\n'); sys.exit(4)\""
    )
    code, outcomes, output = conformance("artifact_store", "--command", command)
    assert code == 1 and outcomes == {}
    assert "exited with code 4 before its handshake" in output
    assert sys.executable in output and "no flavor here" in output


def test_every_builtin_flavor_is_run_through_the_kit() -> None:
    """The runs above and in the two per-type files, together, cover every built-in flavor:
    a new built-in flavor without a conformance run fails here."""
    from tests.integration import test_conformance_types_a as types_a
    from tests.integration import test_conformance_types_b as types_b

    covered = {LOCAL_SOURCE, S3_SOURCE}
    covered |= {types_a._source(module) for _, module, _ in types_a.BUILTINS}
    covered |= {types_b.source(kind) for kind in types_b.FLAVORS}
    assert covered == set(BUILTIN_FLAVORS)
    # The one built-in manifest flavor, node_local, runs in the two node tests above.
    assert [Path(p).parent for p in BUILTIN_MANIFESTS] == [NODE_FLAVOR]


def test_the_kit_runs_from_a_flavor_authors_own_test(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The example of docs/conformance.md, 'Using it from Python', as written there."""
    monkeypatch.setenv("FLAVORHOST_FLAVOR_SOURCE", LOCAL_SOURCE)
    with target.launch(f"{sys.executable} -m flavorhost.sidecar") as sidecar:
        report = runner.run(sidecar, ARTIFACT_STORE, {"path": str(tmp_path)}, large_mib=8)
    assert report.failed == [], [(r.check.name, r.reason) for r in report.failed]
    assert report.count(Outcome.PASS) > 40 and report.count(Outcome.SKIP) == 0


def test_a_sidecar_someone_else_started_with_and_without_its_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--address: everything but the launch and Shutdown with the token; without it, only what
    needs none, and nothing fails for lack of it."""
    monkeypatch.setenv("FLAVORHOST_FLAVOR_SOURCE", LOCAL_SOURCE)
    with target.launch(f"{sys.executable} -m flavorhost.sidecar") as sidecar:
        address = f"unix://{sidecar.handshake.address}"  # type: ignore[union-attr]
        config = json.dumps({"path": str(tmp_path)})
        code, outcomes, output = conformance(
            "artifact_store", "--address", address, "--token", sidecar.token, "--config", config
        )
        assert code == 0, output
        skipped = {n for n, o in outcomes.items() if o == "SKIP"}
        assert skipped == {"handshake line", "shutdown"}, output
        code, outcomes, output = conformance("artifact_store", "--address", address)
        assert code == 0, output
        assert outcomes["health serving"] == "SKIP" and outcomes["token required"] == "PASS"
        assert sidecar.process is not None and sidecar.process.poll() is None


def test_a_sidecar_the_kit_cannot_configure_fails_the_run(tmp_path: Path) -> None:
    """A run whose component could not be configured checked almost nothing: it must not pass."""
    code, outcomes, output = conformance(
        "artifact_store",
        "--command",
        SIDECAR,
        "--config",
        '{"path": "relative/store"}',
        env={"FLAVORHOST_FLAVOR_SOURCE": LOCAL_SOURCE},
    )
    assert code == 1, output
    assert failed(outcomes) == {"configure the kit's component"}, output
    assert "INVALID_CONFIG" in output


def test_bad_invocations_are_refused_before_anything_runs() -> None:
    code, _, output = conformance("artifact_store", "--address", "unix:///nonexistent/x.sock")
    assert code == 1 and "nothing listens at unix:///nonexistent/x.sock" in output
    code, _, output = conformance("artifact_store", "--component", "x", "--config", "{}")
    assert code == 2 and "--config is for --command, --manifest and --address" in output
    code, _, output = conformance("artifact_store")
    assert code == 2 and "exactly one of --component, --address, --command or --manifest" in output
    code, _, output = conformance("blender", "--command", "x")
    assert code == 2 and "'blender' is not a component type" in output
