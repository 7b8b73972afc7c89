from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StepRunInfo(_message.Message):
    __slots__ = ("run_id", "run_name", "pipeline", "step", "settings_json")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_NAME_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_JSON_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    run_name: str
    pipeline: str
    step: str
    settings_json: str
    def __init__(self, run_id: _Optional[str] = ..., run_name: _Optional[str] = ..., pipeline: _Optional[str] = ..., step: _Optional[str] = ..., settings_json: _Optional[str] = ...) -> None: ...

class ValidateSettingsRequest(_message.Message):
    __slots__ = ("settings_json",)
    SETTINGS_JSON_FIELD_NUMBER: _ClassVar[int]
    settings_json: str
    def __init__(self, settings_json: _Optional[str] = ...) -> None: ...

class ValidateSettingsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StepRunRequest(_message.Message):
    __slots__ = ("info",)
    INFO_FIELD_NUMBER: _ClassVar[int]
    info: StepRunInfo
    def __init__(self, info: _Optional[_Union[StepRunInfo, _Mapping]] = ...) -> None: ...

class PrepareStepRunResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CleanupStepRunRequest(_message.Message):
    __slots__ = ("info", "step_failed")
    INFO_FIELD_NUMBER: _ClassVar[int]
    STEP_FAILED_FIELD_NUMBER: _ClassVar[int]
    info: StepRunInfo
    step_failed: bool
    def __init__(self, info: _Optional[_Union[StepRunInfo, _Mapping]] = ..., step_failed: _Optional[bool] = ...) -> None: ...

class CleanupStepRunResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PipelineRunMetadataRequest(_message.Message):
    __slots__ = ("run_id",)
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class MetadataResponse(_message.Message):
    __slots__ = ("metadata_json",)
    METADATA_JSON_FIELD_NUMBER: _ClassVar[int]
    metadata_json: str
    def __init__(self, metadata_json: _Optional[str] = ...) -> None: ...
