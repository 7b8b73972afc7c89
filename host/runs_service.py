"""The Runs gRPC service: pipeline runs as steps and orchestrators report them."""

from __future__ import annotations

import json
from typing import Any

from flavorhost import json_payloads
from flavorhost.errors import servicer_errors
from flavorhost.generated.v1 import runs_pb2 as pb
from flavorhost.host.run_records import (
    COMPLETED,
    FAILED,
    RUNNING,
    ArtifactRecord,
    RunRecord,
    RunRecords,
)
from flavorhost.wire import status_from_proto, status_to_proto

REPORTABLE = {RUNNING, COMPLETED, FAILED}


def _metadata(text: str) -> dict[str, Any]:
    metadata = json_payloads.decode_object(text, "metadata_json")
    for component, values in metadata.items():
        if not isinstance(values, dict):
            raise ValueError(
                f"metadata_json must map component names to objects; {component!r} maps to "
                f"{type(values).__name__}"
            )
    return metadata


def run_to_proto(run: RunRecord, with_snapshot: bool = True) -> pb.PipelineRun:
    """A run record on the wire."""
    return pb.PipelineRun(
        id=run.id,
        name=run.name,
        pipeline=run.pipeline,
        stack=run.stack,
        status=status_to_proto(run.status),
        created=run.created,
        ended=run.ended,
        error=run.error,
        orchestrator_run_id=run.orchestrator_run_id,
        metadata_json=json.dumps(run.metadata),
        snapshot_json=json.dumps(run.snapshot) if with_snapshot else "",
        steps=[
            pb.StepRun(
                name=step.name,
                status=status_to_proto(step.status),
                started=step.started,
                ended=step.ended,
                error=step.error,
                metadata_json=json.dumps(step.metadata),
                outputs=[
                    pb.Artifact(
                        name=a.name, uri=a.uri, materializer=a.materializer, data_type=a.data_type
                    )
                    for a in step.outputs
                ],
            )
            for step in run.steps
        ],
    )


class RunsService:
    """Serves flavorhost.v1.Runs from the run records."""

    def __init__(self, records: RunRecords) -> None:
        self._records = records

    @servicer_errors
    def CreateRun(self, request: pb.CreateRunRequest, context: Any) -> pb.PipelineRun:
        if not request.pipeline:
            raise ValueError("a run needs its pipeline's name; set `pipeline`")
        snapshot = json_payloads.decode_object(request.snapshot_json, "snapshot_json")
        return run_to_proto(self._records.create(request.pipeline, request.stack, snapshot))

    @servicer_errors
    def ReportStep(self, request: pb.ReportStepRequest, context: Any) -> pb.PipelineRun:
        status = status_from_proto(request.status)
        if status not in REPORTABLE:
            raise ValueError(f"a step reports RUNNING, COMPLETED or FAILED, not {status or 'none'}")
        outputs = [
            ArtifactRecord(a.name, a.uri, a.materializer, a.data_type) for a in request.outputs
        ]
        run = self._records.report_step(
            request.run_id,
            request.step,
            status,
            request.error,
            outputs,
            _metadata(request.metadata_json),
        )
        return run_to_proto(run)

    @servicer_errors
    def UpdateRun(self, request: pb.UpdateRunRequest, context: Any) -> pb.PipelineRun:
        status = status_from_proto(request.status)
        if status not in ("", FAILED):
            raise ValueError("UpdateRun sets status FAILED (with an error) or leaves it unset")
        if status == FAILED and not request.error:
            raise ValueError("a failed run needs its `error`")
        failure = request.error if status == FAILED else ""
        run = self._records.update(
            request.run_id,
            request.orchestrator_run_id,
            _metadata(request.metadata_json),
            failure,
        )
        return run_to_proto(run)

    @servicer_errors
    def ListRuns(self, request: pb.ListRunsRequest, context: Any) -> pb.ListRunsResponse:
        runs = self._records.list_runs(request.pipeline)
        return pb.ListRunsResponse(runs=[run_to_proto(r, with_snapshot=False) for r in runs])

    @servicer_errors
    def GetRun(self, request: pb.GetRunRequest, context: Any) -> pb.PipelineRun:
        return run_to_proto(self._records.get(request.run))
