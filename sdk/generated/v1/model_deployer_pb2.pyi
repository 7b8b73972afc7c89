from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Model(_message.Message):
    __slots__ = ("format", "content", "uri")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    format: str
    content: bytes
    uri: str
    def __init__(self, format: _Optional[str] = ..., content: _Optional[bytes] = ..., uri: _Optional[str] = ...) -> None: ...

class ModelService(_message.Message):
    __slots__ = ("uuid", "config_json", "state", "last_error", "prediction_url")
    UUID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    PREDICTION_URL_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    config_json: str
    state: str
    last_error: str
    prediction_url: str
    def __init__(self, uuid: _Optional[str] = ..., config_json: _Optional[str] = ..., state: _Optional[str] = ..., last_error: _Optional[str] = ..., prediction_url: _Optional[str] = ...) -> None: ...

class DeployModelRequest(_message.Message):
    __slots__ = ("config_json", "model", "replace", "timeout_seconds")
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    config_json: str
    model: Model
    replace: bool
    timeout_seconds: float
    def __init__(self, config_json: _Optional[str] = ..., model: _Optional[_Union[Model, _Mapping]] = ..., replace: _Optional[bool] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class DeployModelResponse(_message.Message):
    __slots__ = ("service",)
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    service: ModelService
    def __init__(self, service: _Optional[_Union[ModelService, _Mapping]] = ...) -> None: ...

class FindModelServerRequest(_message.Message):
    __slots__ = ("running", "service_uuid", "run_name", "pipeline_name", "pipeline_step_name", "model_name", "model_version")
    RUNNING_FIELD_NUMBER: _ClassVar[int]
    SERVICE_UUID_FIELD_NUMBER: _ClassVar[int]
    RUN_NAME_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_NAME_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_STEP_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    running: bool
    service_uuid: str
    run_name: str
    pipeline_name: str
    pipeline_step_name: str
    model_name: str
    model_version: str
    def __init__(self, running: _Optional[bool] = ..., service_uuid: _Optional[str] = ..., run_name: _Optional[str] = ..., pipeline_name: _Optional[str] = ..., pipeline_step_name: _Optional[str] = ..., model_name: _Optional[str] = ..., model_version: _Optional[str] = ...) -> None: ...

class FindModelServerResponse(_message.Message):
    __slots__ = ("services",)
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    services: _containers.RepeatedCompositeFieldContainer[ModelService]
    def __init__(self, services: _Optional[_Iterable[_Union[ModelService, _Mapping]]] = ...) -> None: ...

class StopModelServerRequest(_message.Message):
    __slots__ = ("uuid", "timeout_seconds", "force")
    UUID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    timeout_seconds: float
    force: bool
    def __init__(self, uuid: _Optional[str] = ..., timeout_seconds: _Optional[float] = ..., force: _Optional[bool] = ...) -> None: ...

class StopModelServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StartModelServerRequest(_message.Message):
    __slots__ = ("uuid", "timeout_seconds")
    UUID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    timeout_seconds: float
    def __init__(self, uuid: _Optional[str] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class StartModelServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteModelServerRequest(_message.Message):
    __slots__ = ("uuid", "timeout_seconds", "force")
    UUID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    timeout_seconds: float
    force: bool
    def __init__(self, uuid: _Optional[str] = ..., timeout_seconds: _Optional[float] = ..., force: _Optional[bool] = ...) -> None: ...

class DeleteModelServerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetModelServerInfoRequest(_message.Message):
    __slots__ = ("uuid",)
    UUID_FIELD_NUMBER: _ClassVar[int]
    uuid: str
    def __init__(self, uuid: _Optional[str] = ...) -> None: ...

class GetModelServerInfoResponse(_message.Message):
    __slots__ = ("info",)
    class InfoEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    INFO_FIELD_NUMBER: _ClassVar[int]
    info: _containers.ScalarMap[str, str]
    def __init__(self, info: _Optional[_Mapping[str, str]] = ...) -> None: ...
