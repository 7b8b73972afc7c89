"""Checks of flavorhost.v1.ExperimentTracker (experiment_tracker.proto): what a step run logs
(parameters, metrics, tags) reads back with GetTracked as the proto's `Tracked` comment lays out.

Each check logs for its own step run of one scratch pipeline run, `conformance-XXXXXXXX`, opened
as a step opens it (StackComponent/PrepareStepRun) and closed with CleanupStepRun. The service
has no call to delete a run, so against a user's real tracker (--component) that run stays;
its name says where it came from.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import json_object, on_threads, scratch_name
from flavorhost.generated.v1 import component_pb2, component_pb2_grpc, experiment_tracker_pb2_grpc
from flavorhost.generated.v1 import experiment_tracker_pb2 as pb

SERVICE = "flavorhost.v1.ExperimentTracker"
SUITE = Suite("experiment_tracker", service=SERVICE)
INVALID = grpc.StatusCode.INVALID_ARGUMENT
TRACKED_KEYS = {"params", "metrics", "tags", "settings", "status"}
STATUSES = {"running", "completed", "failed"}


class Runs(Service):
    """The scratch pipeline run and calls to the tracker under test."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, experiment_tracker_pb2_grpc.ExperimentTrackerStub)
        self.hooks = component_pb2_grpc.StackComponentStub(probe.target.channel)
        self.run_id = str(uuid.uuid4())
        self.run_name = scratch_name()

    def info(self, step: str) -> component_pb2.StepRunInfo:
        return component_pb2.StepRunInfo(
            run_id=self.run_id,
            run_name=self.run_name,
            pipeline="conformance",
            step=step,
            settings_json="{}",
        )

    def open(self, step: str) -> component_pb2.StepRunInfo:
        """Starts a step run as a step does before its function runs."""
        info = self.info(step)
        self.probe.call(self.hooks.PrepareStepRun, component_pb2.StepRunRequest(info=info))
        return info

    def close(self, info: component_pb2.StepRunInfo, failed: bool = False) -> None:
        self.probe.call(
            self.hooks.CleanupStepRun,
            component_pb2.CleanupStepRunRequest(info=info, step_failed=failed),
        )

    def params(self, info: component_pb2.StepRunInfo, params: dict[str, Any]) -> None:
        request = pb.LogParamsRequest(info=info, params_json=json.dumps(params))
        self("LogParams", request)

    def metrics(
        self, info: component_pb2.StepRunInfo, metrics: dict[str, float], step: int | None = None
    ) -> None:
        request = pb.LogMetricsRequest(info=info, metrics_json=json.dumps(metrics), step=step)
        self("LogMetrics", request)

    def tags(self, info: component_pb2.StepRunInfo, tags: dict[str, str]) -> None:
        request = pb.SetTagsRequest(info=info, tags_json=json.dumps(tags))
        self("SetTags", request)

    def tracked(self, step: str, run_name: str = "") -> dict[str, Any]:
        """GetTracked, checked against the shape the proto gives."""
        request = pb.GetTrackedRequest(run_name=run_name or self.run_name, step=step)
        reply = self("GetTracked", request)
        tracked = json_object(reply.tracked_json, "tracked_json")
        missing = TRACKED_KEYS - set(tracked)
        if missing:
            raise CheckFailed(f"tracked_json lacks {sorted(missing)}: {reply.tracked_json[:100]}")
        for key in ("params", "tags", "settings"):
            if not isinstance(tracked[key], dict):
                raise CheckFailed(f"tracked_json's {key!r} is not an object")
        if not isinstance(tracked["metrics"], list) or not all(
            isinstance(m, dict) and {"key", "value", "step", "time"} <= set(m)
            for m in tracked["metrics"]
        ):
            raise CheckFailed(
                "tracked_json's 'metrics' is not a list of {key, value, step, time} objects"
            )
        return tracked


def metric_values(tracked: dict[str, Any]) -> list[tuple[str, float, int | None]]:
    """(key, value, step) of each logged metric value, sorted."""
    return sorted(
        ((m["key"], float(m["value"]), m["step"]) for m in tracked["metrics"]),
        key=lambda item: (item[0], -1 if item[2] is None else item[2], item[1]),
    )


def _runs(probe: Probe) -> Runs:
    runs: Runs = probe.state["experiment_tracker"]
    return runs


def default_config(probe: Probe) -> dict[str, Any]:
    """The `file` flavor's shape: a fresh folder."""
    return {"root": os.path.join(probe.temp, "tracking")}


def setup(probe: Probe) -> None:
    probe.state["experiment_tracker"] = Runs(probe)


def teardown(probe: Probe) -> None:
    probe.state.pop("experiment_tracker", None)


SUITE.setup = setup
SUITE.teardown = teardown
SUITE.default_config = default_config


@SUITE.check("log params and read back", ("LogParams", "GetTracked"))
def log_params(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("params")
    runs.params(info, {"lr": 0.01, "layers": [64, 32], "name": "conformance"})
    runs.params(info, {"lr": 0.02, "epochs": 3})
    want = {"lr": 0.02, "layers": [64, 32], "name": "conformance", "epochs": 3}
    got = runs.tracked("params")["params"]
    if got != want:
        raise CheckFailed(f"params read back as {got}, want {want} (later values merged over)")
    runs.params(info, {})
    if runs.tracked("params")["params"] != want:
        raise CheckFailed("logging no parameters changed the parameters")
    runs.close(info)
    return "merged over earlier ones"


@SUITE.check("log metrics and read back", ("LogMetrics", "GetTracked"))
def log_metrics(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("metrics")
    runs.metrics(info, {"loss": 1.0, "accuracy": 0.5}, step=0)
    runs.metrics(info, {"loss": 0.5}, step=1)
    runs.metrics(info, {"loss": 0.25}, step=2)
    runs.metrics(info, {"final": 7})
    want = [
        ("accuracy", 0.5, 0),
        ("final", 7.0, None),
        ("loss", 1.0, 0),
        ("loss", 0.5, 1),
        ("loss", 0.25, 2),
    ]
    got = metric_values(runs.tracked("metrics"))
    if got != want:
        raise CheckFailed(f"metrics read back as {got}, want {want}")
    runs.close(info)
    return "every value kept, with its step (null when not given)"


@SUITE.check("set tags and read back", ("SetTags", "GetTracked"))
def set_tags(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("tags")
    runs.tags(info, {"team": "ml", "stage": "dev"})
    runs.tags(info, {"stage": "prod"})
    got = runs.tracked("tags")["tags"]
    if got != {"team": "ml", "stage": "prod"}:
        raise CheckFailed(f"tags read back as {got}, want {{'team': 'ml', 'stage': 'prod'}}")
    runs.close(info)
    return "merged over earlier ones"


@SUITE.check("step run status", "GetTracked")
def step_run_status(probe: Probe) -> str:
    runs = _runs(probe)
    seen = []
    for step, failed in (("ends-well", False), ("ends-badly", True)):
        info = runs.open(step)
        runs.params(info, {"step": step})
        status = runs.tracked(step)["status"]
        if status != "running":
            raise CheckFailed(f"an open step run's status is {status!r}, want 'running'")
        runs.close(info, failed)
        status = runs.tracked(step)["status"]
        want = "failed" if failed else "completed"
        if status != want:
            raise CheckFailed(f"after CleanupStepRun(step_failed={failed}) status is {status!r}")
        seen.append(status)
    return "running, then " + " and ".join(seen)


@SUITE.check("bad JSON refused", ("LogParams", "LogMetrics", "SetTags"))
def bad_json(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("bad-json")
    cases: list[tuple[str, Any]] = [
        ("LogParams", pb.LogParamsRequest(info=info, params_json="{nope")),
        ("LogParams", pb.LogParamsRequest(info=info, params_json="[1, 2]")),
        ("LogMetrics", pb.LogMetricsRequest(info=info, metrics_json="1.5")),
        ("LogMetrics", pb.LogMetricsRequest(info=info, metrics_json='{"loss": "low"}')),
        ("LogMetrics", pb.LogMetricsRequest(info=info, metrics_json='{"loss": true}')),
        ("LogMetrics", pb.LogMetricsRequest(info=info, metrics_json='{"loss": NaN}')),
        ("SetTags", pb.SetTagsRequest(info=info, tags_json='"team"')),
        ("SetTags", pb.SetTagsRequest(info=info, tags_json='{"team": 1}')),
    ]
    for method, request in cases:
        sent = next(v for f, v in request.ListFields() if f.name.endswith("_json"))
        runs.expect(method, request, INVALID, "INVALID_ARGUMENT", f"with {sent!r}")
    tracked = runs.tracked("bad-json")
    if tracked["params"] or tracked["metrics"] or tracked["tags"]:
        raise CheckFailed(f"refused calls left values behind: {json.dumps(tracked)[:120]}")
    runs.close(info)
    return f"{len(cases)} refused with INVALID_ARGUMENT, nothing recorded"


@SUITE.check("unknown run or step", "GetTracked")
def unknown_run(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("known")
    runs.params(info, {"a": 1})
    runs.close(info)
    missing = [
        (f"conformance-missing-{uuid.uuid4().hex[:8]}", "known"),
        (runs.run_name, "no-such-step"),
    ]
    for run_name, step in missing:
        runs.expect(
            "GetTracked",
            pb.GetTrackedRequest(run_name=run_name, step=step),
            grpc.StatusCode.NOT_FOUND,
            ("FILE_NOT_FOUND", "ENTITY_NOT_FOUND"),
            f"of run {run_name!r} step {step!r}",
        )
    return "NOT_FOUND for an unknown run and an unknown step"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("idempotent")
    runs.params(info, {"a": 1})
    runs.metrics(info, {"m": 1.0}, step=0)
    runs.tags(info, {"t": "x"})
    runs.close(info)
    request = pb.GetTrackedRequest(run_name=runs.run_name, step="idempotent")
    # The same JSON may be written with its keys in another order.
    return runs.idempotent(
        {"GetTracked": request},
        normalize=lambda method, answer: json.loads(answer.tracked_json),
    )


@SUITE.check("concurrent logging", ("LogMetrics", "LogParams", "GetTracked"))
def concurrent_logging(probe: Probe) -> str:
    runs = _runs(probe)
    info = runs.open("concurrent")
    count = min(probe.concurrency, 16)

    def one(index: int) -> str:
        runs.metrics(info, {"value": float(index)}, step=index)
        runs.params(info, {f"p{index}": index})
        return ""

    on_threads(probe, count, one)
    tracked = runs.tracked("concurrent")
    got = metric_values(tracked)
    want = [("value", float(i), i) for i in range(count)]
    if got != want:
        lost = sorted({i for i in range(count)} - {s for _, _, s in got if s is not None})
        raise CheckFailed(f"{len(got)} of {count} metric values kept (lost steps {lost[:8]})")
    if tracked["params"] != {f"p{i}": i for i in range(count)}:
        raise CheckFailed(f"{len(tracked['params'])} of {count} parameters kept")
    runs.close(info)
    return f"{count} threads, no value lost"
