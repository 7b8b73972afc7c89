from flavorhost.generated.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetPluginInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PluginInfo(_message.Message):
    __slots__ = ("flavor_name", "component_type", "protocol_version", "services", "runtime", "file_handover_address")
    FLAVOR_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    FILE_HANDOVER_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    flavor_name: str
    component_type: _common_pb2.ComponentType
    protocol_version: int
    services: _containers.RepeatedScalarFieldContainer[str]
    runtime: str
    file_handover_address: str
    def __init__(self, flavor_name: _Optional[str] = ..., component_type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., protocol_version: _Optional[int] = ..., services: _Optional[_Iterable[str]] = ..., runtime: _Optional[str] = ..., file_handover_address: _Optional[str] = ...) -> None: ...

class ConfigureRequest(_message.Message):
    __slots__ = ("component_name", "component_id", "config_json")
    COMPONENT_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    component_name: str
    component_id: str
    config_json: str
    def __init__(self, component_name: _Optional[str] = ..., component_id: _Optional[str] = ..., config_json: _Optional[str] = ...) -> None: ...

class ConfigureResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReleaseRequest(_message.Message):
    __slots__ = ("component_name",)
    COMPONENT_NAME_FIELD_NUMBER: _ClassVar[int]
    component_name: str
    def __init__(self, component_name: _Optional[str] = ...) -> None: ...

class ReleaseResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ShutdownRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ShutdownResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
