from flavorhost.generated.v1 import component_pb2 as _component_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LogParamsRequest(_message.Message):
    __slots__ = ("info", "params_json")
    INFO_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    info: _component_pb2.StepRunInfo
    params_json: str
    def __init__(self, info: _Optional[_Union[_component_pb2.StepRunInfo, _Mapping]] = ..., params_json: _Optional[str] = ...) -> None: ...

class LogParamsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LogMetricsRequest(_message.Message):
    __slots__ = ("info", "metrics_json", "step")
    INFO_FIELD_NUMBER: _ClassVar[int]
    METRICS_JSON_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    info: _component_pb2.StepRunInfo
    metrics_json: str
    step: int
    def __init__(self, info: _Optional[_Union[_component_pb2.StepRunInfo, _Mapping]] = ..., metrics_json: _Optional[str] = ..., step: _Optional[int] = ...) -> None: ...

class LogMetricsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetTagsRequest(_message.Message):
    __slots__ = ("info", "tags_json")
    INFO_FIELD_NUMBER: _ClassVar[int]
    TAGS_JSON_FIELD_NUMBER: _ClassVar[int]
    info: _component_pb2.StepRunInfo
    tags_json: str
    def __init__(self, info: _Optional[_Union[_component_pb2.StepRunInfo, _Mapping]] = ..., tags_json: _Optional[str] = ...) -> None: ...

class SetTagsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetTrackedRequest(_message.Message):
    __slots__ = ("run_name", "step")
    RUN_NAME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    run_name: str
    step: str
    def __init__(self, run_name: _Optional[str] = ..., step: _Optional[str] = ...) -> None: ...

class Tracked(_message.Message):
    __slots__ = ("tracked_json",)
    TRACKED_JSON_FIELD_NUMBER: _ClassVar[int]
    tracked_json: str
    def __init__(self, tracked_json: _Optional[str] = ...) -> None: ...
