from flavorhost.generated.v1 import runs_pb2 as _runs_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Environment(_message.Message):
    __slots__ = ("variables",)
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    variables: _containers.ScalarMap[str, str]
    def __init__(self, variables: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SubmitPipelineRequest(_message.Message):
    __slots__ = ("snapshot_json", "base_environment", "step_environments")
    class BaseEnvironmentEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class StepEnvironmentsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Environment
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Environment, _Mapping]] = ...) -> None: ...
    SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    BASE_ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    STEP_ENVIRONMENTS_FIELD_NUMBER: _ClassVar[int]
    snapshot_json: str
    base_environment: _containers.ScalarMap[str, str]
    step_environments: _containers.MessageMap[str, Environment]
    def __init__(self, snapshot_json: _Optional[str] = ..., base_environment: _Optional[_Mapping[str, str]] = ..., step_environments: _Optional[_Mapping[str, Environment]] = ...) -> None: ...

class SubmitPipelineResponse(_message.Message):
    __slots__ = ("orchestrator_run_id", "metadata_json")
    ORCHESTRATOR_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    orchestrator_run_id: str
    metadata_json: str
    def __init__(self, orchestrator_run_id: _Optional[str] = ..., metadata_json: _Optional[str] = ...) -> None: ...

class FetchStatusRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class FetchStatusResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: _runs_pb2.ExecutionStatus
    def __init__(self, status: _Optional[_Union[_runs_pb2.ExecutionStatus, str]] = ...) -> None: ...
