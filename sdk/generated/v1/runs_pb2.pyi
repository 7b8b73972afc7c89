from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExecutionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXECUTION_STATUS_UNSPECIFIED: _ClassVar[ExecutionStatus]
    PENDING: _ClassVar[ExecutionStatus]
    RUNNING: _ClassVar[ExecutionStatus]
    COMPLETED: _ClassVar[ExecutionStatus]
    FAILED: _ClassVar[ExecutionStatus]
    SKIPPED: _ClassVar[ExecutionStatus]
EXECUTION_STATUS_UNSPECIFIED: ExecutionStatus
PENDING: ExecutionStatus
RUNNING: ExecutionStatus
COMPLETED: ExecutionStatus
FAILED: ExecutionStatus
SKIPPED: ExecutionStatus

class CreateRunRequest(_message.Message):
    __slots__ = ("pipeline", "stack", "snapshot_json")
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    STACK_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    pipeline: str
    stack: str
    snapshot_json: str
    def __init__(self, pipeline: _Optional[str] = ..., stack: _Optional[str] = ..., snapshot_json: _Optional[str] = ...) -> None: ...

class ReportStepRequest(_message.Message):
    __slots__ = ("run_id", "step", "status", "error", "outputs", "metadata_json")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    step: str
    status: ExecutionStatus
    error: str
    outputs: _containers.RepeatedCompositeFieldContainer[Artifact]
    metadata_json: str
    def __init__(self, run_id: _Optional[str] = ..., step: _Optional[str] = ..., status: _Optional[_Union[ExecutionStatus, str]] = ..., error: _Optional[str] = ..., outputs: _Optional[_Iterable[_Union[Artifact, _Mapping]]] = ..., metadata_json: _Optional[str] = ...) -> None: ...

class UpdateRunRequest(_message.Message):
    __slots__ = ("run_id", "orchestrator_run_id", "metadata_json", "status", "error")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    ORCHESTRATOR_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    orchestrator_run_id: str
    metadata_json: str
    status: ExecutionStatus
    error: str
    def __init__(self, run_id: _Optional[str] = ..., orchestrator_run_id: _Optional[str] = ..., metadata_json: _Optional[str] = ..., status: _Optional[_Union[ExecutionStatus, str]] = ..., error: _Optional[str] = ...) -> None: ...

class Artifact(_message.Message):
    __slots__ = ("name", "uri", "materializer", "data_type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    MATERIALIZER_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    uri: str
    materializer: str
    data_type: str
    def __init__(self, name: _Optional[str] = ..., uri: _Optional[str] = ..., materializer: _Optional[str] = ..., data_type: _Optional[str] = ...) -> None: ...

class StepRun(_message.Message):
    __slots__ = ("name", "status", "started", "ended", "error", "outputs", "metadata_json")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    ENDED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    status: ExecutionStatus
    started: float
    ended: float
    error: str
    outputs: _containers.RepeatedCompositeFieldContainer[Artifact]
    metadata_json: str
    def __init__(self, name: _Optional[str] = ..., status: _Optional[_Union[ExecutionStatus, str]] = ..., started: _Optional[float] = ..., ended: _Optional[float] = ..., error: _Optional[str] = ..., outputs: _Optional[_Iterable[_Union[Artifact, _Mapping]]] = ..., metadata_json: _Optional[str] = ...) -> None: ...

class PipelineRun(_message.Message):
    __slots__ = ("id", "name", "pipeline", "stack", "status", "created", "ended", "error", "orchestrator_run_id", "steps", "metadata_json", "snapshot_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    STACK_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ENDED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ORCHESTRATOR_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    pipeline: str
    stack: str
    status: ExecutionStatus
    created: float
    ended: float
    error: str
    orchestrator_run_id: str
    steps: _containers.RepeatedCompositeFieldContainer[StepRun]
    metadata_json: str
    snapshot_json: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., pipeline: _Optional[str] = ..., stack: _Optional[str] = ..., status: _Optional[_Union[ExecutionStatus, str]] = ..., created: _Optional[float] = ..., ended: _Optional[float] = ..., error: _Optional[str] = ..., orchestrator_run_id: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[StepRun, _Mapping]]] = ..., metadata_json: _Optional[str] = ..., snapshot_json: _Optional[str] = ...) -> None: ...

class ListRunsRequest(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: str
    def __init__(self, pipeline: _Optional[str] = ...) -> None: ...

class ListRunsResponse(_message.Message):
    __slots__ = ("runs",)
    RUNS_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[PipelineRun]
    def __init__(self, runs: _Optional[_Iterable[_Union[PipelineRun, _Mapping]]] = ...) -> None: ...

class GetRunRequest(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: str
    def __init__(self, run: _Optional[str] = ...) -> None: ...
