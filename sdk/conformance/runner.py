"""Runs the suites for a component type against one target, and the table of results.

A type's suite is the module `flavorhost.conformance.<type>_checks` (e.g. `artifact_store_checks`)
with a module-level `SUITE`; adding a type's suite is adding that module.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc

from flavorhost.conformance import component_checks, lifecycle_checks
from flavorhost.conformance.checks import (
    Check,
    Outcome,
    Result,
    Suite,
    describe,
    one_line,
    run_check,
)
from flavorhost.conformance.probe import CALL_TIMEOUT_SECONDS, Probe
from flavorhost.conformance.target import Target
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import lifecycle_pb2
from flavorhost.json_payloads import decode_object


def type_suite(kind: StackComponentType) -> Suite | None:
    """The suite of a component type's own service, if the kit has one yet."""
    name = f"flavorhost.conformance.{kind.value}_checks"
    if importlib.util.find_spec(name) is None:
        return None
    suite: Suite = importlib.import_module(name).SUITE
    return suite


@dataclass
class Report:
    """What a run found."""

    kind: StackComponentType
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Result]:
        """The failed checks."""
        return [r for r in self.results if r.outcome is Outcome.FAIL]

    def count(self, outcome: Outcome) -> int:
        """How many checks ended with `outcome`."""
        return sum(1 for r in self.results if r.outcome is outcome)


def _fixture_failure(area: str, stage: str, error: BaseException) -> Result:
    text = describe(error) if isinstance(error, grpc.RpcError) else f"{error}"
    check = Check(f"{area} {stage}", area, ("(fixture)",), _noop)
    return Result(check, Outcome.FAIL, one_line(f"{type(error).__name__}: {text}"))


def _prepare(probe: Probe, suite: Suite | None, config: dict[str, Any] | None) -> Result | None:
    """Reads PluginInfo and configures the kit's own component, when the kit holds the token;
    a failure to configure it is a FAIL of its own (the checks that need it are then skipped,
    and a run that checked nothing must not pass)."""
    target = probe.target
    if not target.token:
        probe.config = target.component_config if config is None else config
        if not target.component:
            probe.component_problem = target.why_no_token
        return None
    try:
        probe.info = probe.lifecycle.GetPluginInfo(
            lifecycle_pb2.GetPluginInfoRequest(),
            metadata=probe.token_metadata(),
            timeout=CALL_TIMEOUT_SECONDS,
            wait_for_ready=True,
        )
        probe.services = list(probe.info.services)
    except grpc.RpcError as error:
        probe.component_problem = f"GetPluginInfo failed: {describe(error)}"
        return None
    if config is None and suite is not None and suite.default_config is not None:
        config = suite.default_config(probe)
        probe.config_is_default = True
    probe.config = config if config is not None else {}
    try:
        probe.configure(probe.component, probe.config)
    except AssertionError as failure:
        hint = "" if config is not None else "; give the component's config with --config"
        probe.component_problem = f"Configure failed ({failure}){hint}"
        check = Check("configure the kit's component", "lifecycle", ("Lifecycle/Configure",), _noop)
        return Result(check, Outcome.FAIL, one_line(probe.component_problem))
    probe.component_ready = True
    return None


def _noop(probe: Probe) -> None:
    """The body of a check the runner itself judges (fixtures)."""


def run(
    target: Target,
    kind: StackComponentType,
    config: dict[str, Any] | None = None,
    large_mib: int = 64,
    concurrency: int = 32,
    progress: Callable[[Result], None] | None = None,
) -> Report:
    """Runs every check that applies to `kind` against `target`, in order, Shutdown last."""
    report = Report(kind)
    suite = type_suite(kind)
    if suite is None:
        report.notes.append(f"no {kind.value} suite yet: only lifecycle and component checks ran")
    suites = [lifecycle_checks.SUITE, component_checks.SUITE, *([suite] if suite else [])]
    temp = tempfile.mkdtemp(prefix="flavorhost-conformance-")
    probe = Probe(target, kind, None, large_mib, concurrency, temp)

    def record(result: Result) -> None:
        report.results.append(result)
        if progress is not None:
            progress(result)

    try:
        unconfigured = _prepare(probe, suite, config)
        if unconfigured is not None:
            record(unconfigured)
        if probe.info is None and not target.token:
            report.notes.append(
                "services assumed (Lifecycle, StackComponent and the type's): without the token "
                "the kit cannot ask the sidecar"
            )
        last: list[Check] = []
        for each in suites:
            _run_suite(each, probe, record, last)
        for check in last:
            record(run_check(check, probe))
    finally:
        for key, error in probe.close():
            record(_fixture_failure(key, "teardown", error))
        shutil.rmtree(temp, ignore_errors=True)
    return report


def _run_suite(
    suite: Suite, probe: Probe, record: Callable[[Result], None], last: list[Check]
) -> None:
    checks = [c for c in suite.checks if not c.last]
    last.extend(c for c in suite.checks if c.last)
    if suite.setup is not None and probe.component_ready:
        try:
            suite.setup(probe)
        except Exception as error:
            record(_fixture_failure(suite.area, "setup", error))
            for check in checks:
                record(Result(check, Outcome.SKIP, f"the {suite.area} setup failed"))
            return
    try:
        for check in checks:
            record(run_check(check, probe))
    finally:
        if suite.teardown is not None and probe.component_ready:
            try:
                suite.teardown(probe)
            except Exception as error:
                record(_fixture_failure(suite.area, "teardown", error))


def parse_config(text: str) -> dict[str, Any]:
    """A --config value: a JSON object."""
    return decode_object(text, "--config")
