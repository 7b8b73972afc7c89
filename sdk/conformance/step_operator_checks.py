"""Checks of flavorhost.v1.StepOperator (step_operator.proto): Launch runs an argv with the
given environment, waits for it and answers its exit code.

The kit's commands are `python -c ...` with the kit's own interpreter, as a pipeline's step
commands are (docs/pipelines.md). Each writes what it saw into a marker file in a scratch folder;
when the step operator runs steps on another machine the marker never appears here, and the
checks then judge by the exit codes alone. FLAVORHOST_HOME is the scratch folder too, so a
flavor that keeps step logs under it (the `local` one) leaves nothing behind.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import grpc

from flavorhost.conformance.checks import CheckFailed, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import on_threads, scratch_name
from flavorhost.generated.v1 import component_pb2, step_operator_pb2_grpc
from flavorhost.generated.v1 import step_operator_pb2 as pb
from flavorhost.home import HOME_ENV

SERVICE = "flavorhost.v1.StepOperator"
SUITE = Suite("step_operator", service=SERVICE)
VALUE_ENV = "FLAVORHOST_CONFORMANCE_VALUE"
# argv: marker path ('' for none), then the exit code. Sleeps a little so that a Launch that
# returns before its command ended is seen.
STEP_SCRIPT = (
    "import os, sys, time\n"
    "time.sleep(0.2)\n"
    "if sys.argv[1]:\n"
    f"    open(sys.argv[1] + '.tmp', 'w').write(os.environ.get({VALUE_ENV!r}, '(unset)'))\n"
    "    os.replace(sys.argv[1] + '.tmp', sys.argv[1])\n"
    "sys.exit(int(sys.argv[2]))\n"
)


class Scratch(Service):
    """The scratch folder and the kit's step runs."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, step_operator_pb2_grpc.StepOperatorStub)
        self.root = Path(tempfile.mkdtemp(prefix="flavorhost-conformance-step-"))
        self.run_name = scratch_name()

    def info(self, step: str) -> component_pb2.StepRunInfo:
        return component_pb2.StepRunInfo(
            run_id=str(uuid.uuid4()),
            run_name=self.run_name,
            pipeline="conformance",
            step=step,
            settings_json="{}",
        )

    def request(self, step: str, argv: list[str], value: str = "") -> pb.LaunchStepRequest:
        return pb.LaunchStepRequest(
            info=self.info(step),
            entrypoint_command=argv,
            environment={HOME_ENV: str(self.root), VALUE_ENV: value},
        )

    def command(self, marker: Path | None, exit_code: int) -> list[str]:
        return [sys.executable, "-c", STEP_SCRIPT, str(marker or ""), str(exit_code)]

    def launch(self, step: str, marker: Path | None, exit_code: int, value: str = "") -> int:
        request = self.request(step, self.command(marker, exit_code), value)
        return int(self("Launch", request).exit_code)


def _scratch(probe: Probe) -> Scratch:
    scratch: Scratch = probe.state["step_operator"]
    return scratch


def setup(probe: Probe) -> None:
    probe.state["step_operator"] = Scratch(probe)


def teardown(probe: Probe) -> None:
    scratch = probe.state.pop("step_operator", None)
    if scratch is not None:
        shutil.rmtree(scratch.root, ignore_errors=True)


SUITE.setup = setup
SUITE.teardown = teardown
# Every field of the `local` flavor's config has a default; other flavors need --config.
SUITE.default_config = lambda probe: {}


@SUITE.check("launch runs the command and waits", "Launch")
def launch_runs(probe: Probe) -> str:
    scratch = _scratch(probe)
    marker = scratch.root / "ran"
    value = uuid.uuid4().hex
    code = scratch.launch("runs", marker, 0, value)
    if code != 0:
        raise CheckFailed(f"a command that exits 0 was reported with exit_code {code}")
    if not marker.exists():
        return "exit_code 0; the command ran elsewhere (no marker here): environment not checked"
    seen = marker.read_text()
    if seen != value:
        raise CheckFailed(f"the command saw {VALUE_ENV}={seen!r}, sent {value!r}")
    return "exit_code 0, the environment reached the command, Launch waited for it"


@SUITE.check("launch reports a failing command", "Launch")
def launch_failing(probe: Probe) -> str:
    scratch = _scratch(probe)
    for wanted in (1, 3, 42):
        code = scratch.launch(f"fails-{wanted}", None, wanted)
        if code != wanted:
            raise CheckFailed(f"a command that exits {wanted} was reported with exit_code {code}")
    return "exit codes 1, 3 and 42 reported as such"


@SUITE.check("launch a missing executable", "Launch")
def launch_missing_executable(probe: Probe) -> str:
    scratch = _scratch(probe)
    missing = str(scratch.root / "no-such-executable")
    # A flavor that swaps argv[0] for its own interpreter still gets a command that fails.
    request = scratch.request("missing", [missing, "-c", "import sys; sys.exit(9)"])
    try:
        reply = scratch.raw("Launch", request)
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.Call) else None
        return f"refused with {code.name if code else 'an error'}"
    if reply.exit_code == 0:
        raise CheckFailed("a command whose executable does not exist was reported as exit_code 0")
    return f"exit_code {reply.exit_code}"


@SUITE.check("launch without a command", "Launch")
def launch_without_command(probe: Probe) -> str:
    scratch = _scratch(probe)
    scratch.expect(
        "Launch",
        scratch.request("empty", []),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        "with an empty entrypoint_command",
    )
    return "INVALID_ARGUMENT"


@SUITE.check("concurrent launches", "Launch")
def concurrent_launches(probe: Probe) -> str:
    scratch = _scratch(probe)
    count = min(probe.concurrency, 4)

    def one(index: int) -> str:
        marker = scratch.root / f"concurrent-{index}"
        value = f"value-{index}"
        code = scratch.launch(f"concurrent-{index}", marker, 10 + index, value)
        if code != 10 + index:
            return f"launch {index} got exit_code {code}, want {10 + index}"
        if marker.exists() and marker.read_text() != value:
            return f"launch {index} saw {marker.read_text()!r}, want {value!r}"
        return ""

    on_threads(probe, count, one)
    return f"{count} at once, each with its own exit code and environment"
