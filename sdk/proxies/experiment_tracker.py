"""`ExperimentTrackerProxy`: the BaseExperimentTracker interface, served by a sidecar."""

from __future__ import annotations

import json
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import experiment_tracker_pb2 as pb
from flavorhost.generated.v1 import experiment_tracker_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy, step_run_message
from flavorhost.stack.step_run_info import StepRunInfo, current_step_run


class ExperimentTrackerProxy(ComponentProxy):
    """An experiment tracker component, served by its sidecar. Inside a step, the calls are
    for the step's run."""

    TYPE = StackComponentType.EXPERIMENT_TRACKER
    PROTO = pb.DESCRIPTOR
    SERVICE = "ExperimentTracker"
    STUB = experiment_tracker_pb2_grpc.ExperimentTrackerStub

    def log_params(self, params: dict[str, Any], info: StepRunInfo | None = None) -> None:
        """Records parameters of the step run (merged over earlier ones)."""
        request = pb.LogParamsRequest(
            info=step_run_message(info or current_step_run("log_params")),
            params_json=json.dumps(params),
        )
        self._call("LogParams", request)

    def log_metrics(
        self, metrics: dict[str, float], step: int | None = None, info: StepRunInfo | None = None
    ) -> None:
        """Records metric values of the step run, for training step `step` if given."""
        request = pb.LogMetricsRequest(
            info=step_run_message(info or current_step_run("log_metrics")),
            metrics_json=json.dumps(metrics),
            step=step,
        )
        self._call("LogMetrics", request)

    def set_tags(self, tags: dict[str, str], info: StepRunInfo | None = None) -> None:
        """Sets tags of the step run (merged over earlier ones)."""
        request = pb.SetTagsRequest(
            info=step_run_message(info or current_step_run("set_tags")),
            tags_json=json.dumps(tags),
        )
        self._call("SetTags", request)

    def get_tracked(self, run_name: str, step: str) -> dict[str, Any]:
        """What a step run logged: {"params", "metrics", "tags", "settings", "status"}."""
        response = self._call("GetTracked", pb.GetTrackedRequest(run_name=run_name, step=step))
        return dict(json.loads(response.tracked_json))
