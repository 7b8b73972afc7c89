"""Serves a BaseExperimentTracker implementation as flavorhost.v1.ExperimentTracker."""

from __future__ import annotations

import json
import math
from typing import Any

import grpc

from flavorhost import errors, json_payloads
from flavorhost.experiment_trackers.base_experiment_tracker import BaseExperimentTracker
from flavorhost.generated.v1 import experiment_tracker_pb2 as pb
from flavorhost.sidecar.component_servicer import step_run_info
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.ExperimentTracker"


def _metrics(text: str) -> dict[str, float]:
    metrics = json_payloads.decode_object(text, "metrics")
    for key, value in metrics.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValueError(f"metric {key!r} must be a finite number, not {value!r}")
    return {key: float(value) for key, value in metrics.items()}


class ExperimentTrackerServicer:
    """One servicer for every experiment tracker component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _tracker(self, context: grpc.ServicerContext) -> BaseExperimentTracker:
        tracker: BaseExperimentTracker = self._table.for_call(context)
        return tracker

    @errors.servicer_errors
    def LogParams(self, request: pb.LogParamsRequest, context: Any) -> pb.LogParamsResponse:
        params = json_payloads.decode_object(request.params_json, "params")
        self._tracker(context).log_params(params, step_run_info(request.info))
        return pb.LogParamsResponse()

    @errors.servicer_errors
    def LogMetrics(self, request: pb.LogMetricsRequest, context: Any) -> pb.LogMetricsResponse:
        step = request.step if request.HasField("step") else None
        metrics = _metrics(request.metrics_json)
        self._tracker(context).log_metrics(metrics, step, step_run_info(request.info))
        return pb.LogMetricsResponse()

    @errors.servicer_errors
    def SetTags(self, request: pb.SetTagsRequest, context: Any) -> pb.SetTagsResponse:
        tags = json_payloads.decode_object(request.tags_json, "tags")
        if not all(isinstance(v, str) for v in tags.values()):
            raise ValueError("tags must map names to strings")
        self._tracker(context).set_tags(tags, step_run_info(request.info))
        return pb.SetTagsResponse()

    @errors.servicer_errors
    def GetTracked(self, request: pb.GetTrackedRequest, context: Any) -> pb.Tracked:
        tracked = self._tracker(context).get_tracked(request.run_name, request.step)
        return pb.Tracked(tracked_json=json.dumps(tracked))


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(
        server,
        ExperimentTrackerServicer(table),
        pb.DESCRIPTOR.services_by_name["ExperimentTracker"],
    )
    return SERVICE_NAME
