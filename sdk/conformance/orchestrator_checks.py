"""Checks of flavorhost.v1.Orchestrator (orchestrator.proto, docs/pipelines.md "The snapshot").

The kit submits tiny runs of its own: each step's `command` is `python -c ...` with the kit's
interpreter, needs no host and writes a marker file (with the environment variables it saw) into
a scratch folder, which is also the steps' FLAVORHOST_HOME and working_dir. A step fails if its
upstream step's marker is missing, so a run that completes shows the order was kept. When steps
run on another machine the markers never appear here; the checks then judge by FetchStatus.
Every wait is bounded (WAIT_SECONDS per run).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service, no_side_effect_methods
from flavorhost.conformance.support import WAIT_SECONDS, json_object, on_threads, poll
from flavorhost.generated.v1 import orchestrator_pb2 as pb
from flavorhost.generated.v1 import orchestrator_pb2_grpc, runs_pb2
from flavorhost.home import HOME_ENV

SERVICE = "flavorhost.v1.Orchestrator"
SUITE = Suite("orchestrator", service=SERVICE)
INVALID = grpc.StatusCode.INVALID_ARGUMENT
UNSPECIFIED = runs_pb2.EXECUTION_STATUS_UNSPECIFIED
TERMINAL = {runs_pb2.COMPLETED, runs_pb2.FAILED}
# While a run is under way, FetchStatus may answer only these.
UNDER_WAY = {runs_pb2.PENDING, runs_pb2.RUNNING, *TERMINAL}
BASE_ENV, STEP_ENV = "FLAVORHOST_CONFORMANCE_BASE", "FLAVORHOST_CONFORMANCE_STEP"
# argv: marker path, upstream marker paths..., then the exit code last.
STEP_SCRIPT = (
    "import json, os, sys\n"
    "marker, upstream, code = sys.argv[1], sys.argv[2:-1], int(sys.argv[-1])\n"
    "if not all(os.path.exists(u) for u in upstream):\n"
    "    sys.exit(17)\n"
    f"seen = {{k: os.environ.get(k) for k in ({BASE_ENV!r}, {STEP_ENV!r})}}\n"
    "open(marker + '.tmp', 'w').write(json.dumps(seen))\n"
    "os.replace(marker + '.tmp', marker)\n"
    "sys.exit(code)\n"
)


def _name(status: int) -> str:
    return (
        runs_pb2.ExecutionStatus.Name(status)
        if status in runs_pb2.ExecutionStatus.values()
        else str(status)
    )


class Runs(Service):
    """The scratch folder, the kit's snapshots and calls to the orchestrator under test."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, orchestrator_pb2_grpc.OrchestratorStub)
        self.root = Path(tempfile.mkdtemp(prefix="flavorhost-conformance-orchestrator-"))

    def marker(self, run_id: str, step: str) -> Path:
        return self.root / f"{run_id}-{step}.json"

    def snapshot(self, steps: list[tuple[str, list[str], int]], run_id: str = "") -> dict[str, Any]:
        """A snapshot of `steps`, each (name, upstream names, exit code)."""
        run_id = run_id or str(uuid.uuid4())
        return {
            "pipeline": "conformance",
            "stack": "conformance",
            "run_id": run_id,
            "run_name": f"conformance-{run_id[:8]}",
            "python": sys.executable,
            "working_dir": str(self.root),
            "artifact_root": str(self.root / "artifacts"),
            "settings": {},
            "steps": [
                {
                    "name": name,
                    "source": {"module": "conformance", "attribute": name, "source_root": ""},
                    "upstream": upstream,
                    "inputs": {},
                    "parameters": {},
                    "outputs": ["output"],
                    "settings": {},
                    "step_operator": None,
                    "command": [
                        sys.executable,
                        "-c",
                        STEP_SCRIPT,
                        str(self.marker(run_id, name)),
                        *(str(self.marker(run_id, u)) for u in upstream),
                        str(code),
                    ],
                }
                for name, upstream, code in steps
            ],
        }

    def request(self, snapshot: dict[str, Any] | str) -> pb.SubmitPipelineRequest:
        run_id = snapshot.get("run_id", "") if isinstance(snapshot, dict) else ""
        steps = snapshot.get("steps", []) if isinstance(snapshot, dict) else []
        return pb.SubmitPipelineRequest(
            snapshot_json=snapshot if isinstance(snapshot, str) else json.dumps(snapshot),
            base_environment={
                HOME_ENV: str(self.root),
                "FLAVORHOST_ACTIVE_STACK": "conformance",
                "FLAVORHOST_RUN_ID": str(run_id),
                BASE_ENV: f"base-{run_id}",
            },
            step_environments={
                step["name"]: pb.Environment(
                    variables={"FLAVORHOST_STEP_NAME": step["name"], STEP_ENV: step["name"]}
                )
                for step in steps
                if isinstance(step, dict) and "name" in step
            },
        )

    def submit(self, snapshot: dict[str, Any]) -> pb.SubmitPipelineResponse:
        reply: pb.SubmitPipelineResponse = self("SubmitPipeline", self.request(snapshot))
        json_object(reply.metadata_json, "metadata_json", empty_ok=True)
        return reply

    def status(self, run_id: str) -> int:
        reply = self("FetchStatus", pb.FetchStatusRequest(run_id=run_id))
        return int(reply.status)

    def wait(self, snapshot: dict[str, Any], completes: bool = True) -> tuple[int, str]:
        """Follows a submitted run to its end: its last status, and how the kit knew.

        An orchestrator may not follow runs (FetchStatus UNSPECIFIED from the start); then a
        run that should complete is seen by its last step's marker, and one that should fail
        cannot be seen at all (Skip)."""
        run_id = snapshot["run_id"]
        last_step = self.marker(run_id, snapshot["steps"][-1]["name"])
        seen: list[int] = []

        def ended() -> tuple[int, str] | None:
            status = self.status(run_id)
            if status not in UNDER_WAY and status != UNSPECIFIED:
                raise CheckFailed(f"FetchStatus answered {_name(status)} for a submitted run")
            if status == UNSPECIFIED and any(s != UNSPECIFIED for s in seen):
                raise CheckFailed(f"FetchStatus forgot a run it had reported as {_name(seen[-1])}")
            seen.append(status)
            if status in TERMINAL:
                return status, "FetchStatus"
            if status == UNSPECIFIED:
                if not completes:
                    raise Skip(
                        "FetchStatus answers UNSPECIFIED for the kit's runs: the kit cannot "
                        "see a run fail"
                    )
                if last_step.exists():
                    return runs_pb2.COMPLETED, "its steps' markers (FetchStatus: UNSPECIFIED)"
            return None

        found = poll(ended)
        if found is not None:
            return found
        if set(seen) == {UNSPECIFIED}:
            raise Skip(
                "FetchStatus answers UNSPECIFIED for the kit's runs and their steps leave no "
                "trace here: the kit cannot tell whether they ran"
            )
        raise CheckFailed(
            f"the run did not end within {WAIT_SECONDS:g}s (last status {_name(seen[-1])})"
        )

    def seen_environment(self, run_id: str, step: str) -> dict[str, Any] | None:
        path = self.marker(run_id, step)
        return json.loads(path.read_text()) if path.exists() else None


def _runs(probe: Probe) -> Runs:
    runs: Runs = probe.state["orchestrator"]
    return runs


def setup(probe: Probe) -> None:
    probe.state["orchestrator"] = Runs(probe)


def teardown(probe: Probe) -> None:
    runs = probe.state.pop("orchestrator", None)
    if runs is not None:
        shutil.rmtree(runs.root, ignore_errors=True)


SUITE.setup = setup
SUITE.teardown = teardown
# Every field of the `local` flavor's config has a default; other flavors need --config.
SUITE.default_config = lambda probe: {}


@SUITE.check("submit a run, follow it to completed", ("SubmitPipeline", "FetchStatus"))
def run_completes(probe: Probe) -> str:
    runs = _runs(probe)
    snapshot = runs.snapshot([("first", [], 0), ("second", ["first"], 0)])
    run_id = snapshot["run_id"]
    runs.submit(snapshot)
    status, how = runs.wait(snapshot)
    if status != runs_pb2.COMPLETED:
        raise CheckFailed(f"a run whose steps exit 0 ended {_name(status)}")
    notes = [f"COMPLETED (seen by {how})"]
    for step in ("first", "second"):
        seen = runs.seen_environment(run_id, step)
        if seen is None:
            notes.append("steps ran elsewhere: environment not checked")
            break
        want = {BASE_ENV: f"base-{run_id}", STEP_ENV: step}
        if seen != want:
            raise CheckFailed(f"step {step!r} saw {seen}, want {want}")
    else:
        notes.append("base and step environments reached the steps, in order")
    return "; ".join(notes)


@SUITE.check("a failing step fails the run", ("SubmitPipeline", "FetchStatus"))
def run_fails(probe: Probe) -> str:
    runs = _runs(probe)
    snapshot = runs.snapshot([("breaks", [], 3), ("after", ["breaks"], 0)])
    runs.submit(snapshot)
    status, how = runs.wait(snapshot, completes=False)
    if status != runs_pb2.FAILED:
        raise CheckFailed(f"a run whose first step exits 3 ended {_name(status)}")
    if runs.marker(snapshot["run_id"], "after").exists():
        raise CheckFailed("the step after the failed one ran")
    return f"FAILED (seen by {how}); the later step did not run"


@SUITE.check("unknown run id", "FetchStatus")
def unknown_run(probe: Probe) -> str:
    runs = _runs(probe)
    for run_id in (f"conformance-unknown-{uuid.uuid4().hex}", ""):
        status = runs.status(run_id)
        if status != UNSPECIFIED:
            raise CheckFailed(f"FetchStatus of run id {run_id!r} answered {_name(status)}")
    return "UNSPECIFIED, as the proto says"


@SUITE.check("malformed snapshots refused", "SubmitPipeline")
def malformed(probe: Probe) -> str:
    runs = _runs(probe)
    no_command = runs.snapshot([("bare", [], 0)])
    del no_command["steps"][0]["command"]
    cycle = runs.snapshot([("a", ["b"], 0), ("b", ["a"], 0)])
    unknown_upstream = runs.snapshot([("a", ["nowhere"], 0)])
    cases: list[tuple[str, dict[str, Any] | str]] = [
        ("not JSON", "{not json"),
        ("a JSON list", "[1, 2]"),
        ("no steps", json.dumps({"pipeline": "conformance", "run_id": str(uuid.uuid4())})),
        ("steps not a list", json.dumps({"run_id": str(uuid.uuid4()), "steps": "a"})),
        ("a step without a command", no_command),
        ("steps waiting on each other", cycle),
        ("a step waiting on no step", unknown_upstream),
    ]
    for what, snapshot in cases:
        runs.expect(
            "SubmitPipeline", runs.request(snapshot), INVALID, "INVALID_ARGUMENT", f"with {what}"
        )
    for refused in (no_command, cycle, unknown_upstream):
        status = runs.status(refused["run_id"])
        if status != UNSPECIFIED:
            raise CheckFailed(f"a refused snapshot's run is known, as {_name(status)}")
    return f"{len(cases)} refused with INVALID_ARGUMENT; their runs unknown"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    runs = _runs(probe)
    methods = no_side_effect_methods(runs.descriptor)
    if methods != ["FetchStatus"]:
        raise CheckFailed(f"the kit knows FetchStatus only; NO_SIDE_EFFECTS methods are {methods}")
    snapshot = runs.snapshot([("only", [], 0)])
    runs.submit(snapshot)
    status, _ = runs.wait(snapshot)
    for run_id in (snapshot["run_id"], f"conformance-unknown-{uuid.uuid4().hex}"):
        runs.same_twice("FetchStatus", pb.FetchStatusRequest(run_id=run_id))
    if runs.status(snapshot["run_id"]) != status:
        raise CheckFailed("an ended run's status changed after FetchStatus calls")
    return "FetchStatus of an ended and an unknown run, twice each"


@SUITE.check("concurrent submissions", ("SubmitPipeline", "FetchStatus"))
def concurrent(probe: Probe) -> str:
    runs = _runs(probe)
    count = min(probe.concurrency, 4)
    snapshots = [runs.snapshot([(f"step-{i}", [], 0)]) for i in range(count)]
    ids: list[str] = ["" for _ in range(count)]

    def submit(index: int) -> str:
        ids[index] = runs.submit(snapshots[index]).orchestrator_run_id
        return ""

    on_threads(probe, count, submit)

    def follow(index: int) -> str:
        status, _ = runs.wait(snapshots[index])
        return "" if status == runs_pb2.COMPLETED else f"run {index} ended {_name(status)}"

    on_threads(probe, count, follow)
    given = [i for i in ids if i]
    if len(set(given)) != len(given):
        raise CheckFailed(f"runs submitted together got the same orchestrator_run_id: {ids}")
    return f"{count} runs submitted at once, each completed"
