from flavorhost.generated.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OpenComponentRequest(_message.Message):
    __slots__ = ("type", "name", "failed_pid", "failed_hung")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FAILED_PID_FIELD_NUMBER: _ClassVar[int]
    FAILED_HUNG_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    failed_pid: int
    failed_hung: bool
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ..., failed_pid: _Optional[int] = ..., failed_hung: _Optional[bool] = ...) -> None: ...

class ComponentAccess(_message.Message):
    __slots__ = ("direct", "target", "grant", "expires", "pid", "call_timeout", "failure", "files_address")
    DIRECT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    GRANT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    CALL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    FILES_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    direct: bool
    target: str
    grant: str
    expires: float
    pid: int
    call_timeout: float
    failure: str
    files_address: str
    def __init__(self, direct: _Optional[bool] = ..., target: _Optional[str] = ..., grant: _Optional[str] = ..., expires: _Optional[float] = ..., pid: _Optional[int] = ..., call_timeout: _Optional[float] = ..., failure: _Optional[str] = ..., files_address: _Optional[str] = ...) -> None: ...

class RegisterFlavorRequest(_message.Message):
    __slots__ = ("type", "source", "source_root", "requirements", "python", "manifest_path")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ROOT_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    PYTHON_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_PATH_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    source: str
    source_root: str
    requirements: _containers.RepeatedScalarFieldContainer[str]
    python: str
    manifest_path: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., source: _Optional[str] = ..., source_root: _Optional[str] = ..., requirements: _Optional[_Iterable[str]] = ..., python: _Optional[str] = ..., manifest_path: _Optional[str] = ...) -> None: ...

class EnvironmentProgress(_message.Message):
    __slots__ = ("line", "done")
    LINE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    line: str
    done: bool
    def __init__(self, line: _Optional[str] = ..., done: _Optional[bool] = ...) -> None: ...

class Flavor(_message.Message):
    __slots__ = ("name", "type", "source", "source_root", "builtin", "fields", "config_schema_json", "docs_url", "requirements", "environment_state", "environment_python", "environment_message", "manifest_json", "from_manifest")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ROOT_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    DOCS_URL_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_STATE_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_PYTHON_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_JSON_FIELD_NUMBER: _ClassVar[int]
    FROM_MANIFEST_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: _common_pb2.ComponentType
    source: str
    source_root: str
    builtin: bool
    fields: _containers.RepeatedCompositeFieldContainer[ConfigField]
    config_schema_json: str
    docs_url: str
    requirements: _containers.RepeatedScalarFieldContainer[str]
    environment_state: str
    environment_python: str
    environment_message: str
    manifest_json: str
    from_manifest: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., source: _Optional[str] = ..., source_root: _Optional[str] = ..., builtin: _Optional[bool] = ..., fields: _Optional[_Iterable[_Union[ConfigField, _Mapping]]] = ..., config_schema_json: _Optional[str] = ..., docs_url: _Optional[str] = ..., requirements: _Optional[_Iterable[str]] = ..., environment_state: _Optional[str] = ..., environment_python: _Optional[str] = ..., environment_message: _Optional[str] = ..., manifest_json: _Optional[str] = ..., from_manifest: _Optional[bool] = ...) -> None: ...

class ConfigField(_message.Message):
    __slots__ = ("name", "type", "required", "default_json", "secret", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_JSON_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    required: bool
    default_json: str
    secret: bool
    description: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., required: _Optional[bool] = ..., default_json: _Optional[str] = ..., secret: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class ListFlavorsRequest(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ...) -> None: ...

class ListFlavorsResponse(_message.Message):
    __slots__ = ("flavors",)
    FLAVORS_FIELD_NUMBER: _ClassVar[int]
    flavors: _containers.RepeatedCompositeFieldContainer[Flavor]
    def __init__(self, flavors: _Optional[_Iterable[_Union[Flavor, _Mapping]]] = ...) -> None: ...

class GetFlavorRequest(_message.Message):
    __slots__ = ("type", "name")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ...) -> None: ...

class DeleteFlavorRequest(_message.Message):
    __slots__ = ("type", "name")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ...) -> None: ...

class DeleteFlavorResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RegisterComponentRequest(_message.Message):
    __slots__ = ("type", "name", "flavor", "values", "config_json", "call_timeout")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FLAVOR_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    CALL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    flavor: str
    values: _containers.ScalarMap[str, str]
    config_json: str
    call_timeout: float
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ..., flavor: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ..., config_json: _Optional[str] = ..., call_timeout: _Optional[float] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("id", "type", "name", "flavor", "config_json", "created", "updated", "error", "call_timeout")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FLAVOR_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CALL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: _common_pb2.ComponentType
    name: str
    flavor: str
    config_json: str
    created: float
    updated: float
    error: str
    call_timeout: float
    def __init__(self, id: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ..., flavor: _Optional[str] = ..., config_json: _Optional[str] = ..., created: _Optional[float] = ..., updated: _Optional[float] = ..., error: _Optional[str] = ..., call_timeout: _Optional[float] = ...) -> None: ...

class ListComponentsRequest(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ...) -> None: ...

class ListComponentsResponse(_message.Message):
    __slots__ = ("components",)
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    components: _containers.RepeatedCompositeFieldContainer[Component]
    def __init__(self, components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ...) -> None: ...

class GetComponentRequest(_message.Message):
    __slots__ = ("type", "name")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ...) -> None: ...

class UpdateComponentRequest(_message.Message):
    __slots__ = ("type", "name", "values", "config_json", "call_timeout")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    CALL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    values: _containers.ScalarMap[str, str]
    config_json: str
    call_timeout: float
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ..., config_json: _Optional[str] = ..., call_timeout: _Optional[float] = ...) -> None: ...

class DeleteComponentRequest(_message.Message):
    __slots__ = ("type", "name")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    name: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., name: _Optional[str] = ...) -> None: ...

class DeleteComponentResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RegisterStackRequest(_message.Message):
    __slots__ = ("name", "members")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    members: _containers.RepeatedCompositeFieldContainer[StackMember]
    def __init__(self, name: _Optional[str] = ..., members: _Optional[_Iterable[_Union[StackMember, _Mapping]]] = ...) -> None: ...

class StackMember(_message.Message):
    __slots__ = ("type", "component")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    type: _common_pb2.ComponentType
    component: str
    def __init__(self, type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., component: _Optional[str] = ...) -> None: ...

class Stack(_message.Message):
    __slots__ = ("id", "name", "components", "active")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    components: _containers.RepeatedCompositeFieldContainer[Component]
    active: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ..., active: _Optional[bool] = ...) -> None: ...

class ListStacksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStacksResponse(_message.Message):
    __slots__ = ("stacks",)
    STACKS_FIELD_NUMBER: _ClassVar[int]
    stacks: _containers.RepeatedCompositeFieldContainer[Stack]
    def __init__(self, stacks: _Optional[_Iterable[_Union[Stack, _Mapping]]] = ...) -> None: ...

class GetStackRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SetActiveStackRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteStackRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteStackResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HostStatus(_message.Message):
    __slots__ = ("pid", "address", "started", "version", "sidecars", "tcp_address", "tcp_tls", "tcp_token_file")
    PID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIDECARS_FIELD_NUMBER: _ClassVar[int]
    TCP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TCP_TLS_FIELD_NUMBER: _ClassVar[int]
    TCP_TOKEN_FILE_FIELD_NUMBER: _ClassVar[int]
    pid: int
    address: str
    started: float
    version: str
    sidecars: _containers.RepeatedCompositeFieldContainer[SidecarStatus]
    tcp_address: str
    tcp_tls: bool
    tcp_token_file: str
    def __init__(self, pid: _Optional[int] = ..., address: _Optional[str] = ..., started: _Optional[float] = ..., version: _Optional[str] = ..., sidecars: _Optional[_Iterable[_Union[SidecarStatus, _Mapping]]] = ..., tcp_address: _Optional[str] = ..., tcp_tls: _Optional[bool] = ..., tcp_token_file: _Optional[str] = ...) -> None: ...

class SidecarStatus(_message.Message):
    __slots__ = ("pid", "flavor", "type", "components", "started", "state", "log_path", "runtime", "restarts", "environment", "error")
    PID_FIELD_NUMBER: _ClassVar[int]
    FLAVOR_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LOG_PATH_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    RESTARTS_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    pid: int
    flavor: str
    type: _common_pb2.ComponentType
    components: _containers.RepeatedScalarFieldContainer[str]
    started: float
    state: str
    log_path: str
    runtime: str
    restarts: int
    environment: str
    error: str
    def __init__(self, pid: _Optional[int] = ..., flavor: _Optional[str] = ..., type: _Optional[_Union[_common_pb2.ComponentType, str]] = ..., components: _Optional[_Iterable[str]] = ..., started: _Optional[float] = ..., state: _Optional[str] = ..., log_path: _Optional[str] = ..., runtime: _Optional[str] = ..., restarts: _Optional[int] = ..., environment: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class StopRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StopResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateSecretRequest(_message.Message):
    __slots__ = ("name", "values")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    name: str
    values: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Secret(_message.Message):
    __slots__ = ("id", "name", "keys", "values", "created", "updated", "used_by")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    USED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    keys: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.ScalarMap[str, str]
    created: float
    updated: float
    used_by: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., keys: _Optional[_Iterable[str]] = ..., values: _Optional[_Mapping[str, str]] = ..., created: _Optional[float] = ..., updated: _Optional[float] = ..., used_by: _Optional[_Iterable[str]] = ...) -> None: ...

class ListSecretsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSecretsResponse(_message.Message):
    __slots__ = ("secrets",)
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    secrets: _containers.RepeatedCompositeFieldContainer[Secret]
    def __init__(self, secrets: _Optional[_Iterable[_Union[Secret, _Mapping]]] = ...) -> None: ...

class GetSecretRequest(_message.Message):
    __slots__ = ("name", "reveal")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REVEAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    reveal: bool
    def __init__(self, name: _Optional[str] = ..., reveal: _Optional[bool] = ...) -> None: ...

class UpdateSecretRequest(_message.Message):
    __slots__ = ("name", "values", "remove_keys")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    REMOVE_KEYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    values: _containers.ScalarMap[str, str]
    remove_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ..., remove_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteSecretRequest(_message.Message):
    __slots__ = ("name", "force")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    force: bool
    def __init__(self, name: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class DeleteSecretResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
