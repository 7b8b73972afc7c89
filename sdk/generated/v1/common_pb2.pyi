from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ComponentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPONENT_TYPE_UNSPECIFIED: _ClassVar[ComponentType]
    ORCHESTRATOR: _ClassVar[ComponentType]
    ARTIFACT_STORE: _ClassVar[ComponentType]
    CONTAINER_REGISTRY: _ClassVar[ComponentType]
    STEP_OPERATOR: _ClassVar[ComponentType]
    MODEL_DEPLOYER: _ClassVar[ComponentType]
    FEATURE_STORE: _ClassVar[ComponentType]
    EXPERIMENT_TRACKER: _ClassVar[ComponentType]
    ALERTER: _ClassVar[ComponentType]
    ANNOTATOR: _ClassVar[ComponentType]
    DATA_VALIDATOR: _ClassVar[ComponentType]
    MODEL_REGISTRY: _ClassVar[ComponentType]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    FILE_NOT_FOUND: _ClassVar[ErrorReason]
    FILE_EXISTS: _ClassVar[ErrorReason]
    IS_A_DIRECTORY: _ClassVar[ErrorReason]
    NOT_A_DIRECTORY: _ClassVar[ErrorReason]
    DIRECTORY_NOT_EMPTY: _ClassVar[ErrorReason]
    PERMISSION: _ClassVar[ErrorReason]
    INVALID_CONFIG: _ClassVar[ErrorReason]
    INVALID_ARGUMENT: _ClassVar[ErrorReason]
    ENTITY_NOT_FOUND: _ClassVar[ErrorReason]
    ENTITY_EXISTS: _ClassVar[ErrorReason]
    ENTITY_IN_USE: _ClassVar[ErrorReason]
    FLAVOR_SOURCE: _ClassVar[ErrorReason]
    COMPONENT_UNAVAILABLE: _ClassVar[ErrorReason]
    NOT_IMPLEMENTED: _ClassVar[ErrorReason]
    FLAVOR_ERROR: _ClassVar[ErrorReason]
    OS_ERROR: _ClassVar[ErrorReason]
    COMPONENT_TIMEOUT: _ClassVar[ErrorReason]
    LIMIT_EXCEEDED: _ClassVar[ErrorReason]
    MALFORMED_REQUEST: _ClassVar[ErrorReason]
    FILE_CHANGED: _ClassVar[ErrorReason]
    COMPONENT_NOT_CONFIGURED: _ClassVar[ErrorReason]
COMPONENT_TYPE_UNSPECIFIED: ComponentType
ORCHESTRATOR: ComponentType
ARTIFACT_STORE: ComponentType
CONTAINER_REGISTRY: ComponentType
STEP_OPERATOR: ComponentType
MODEL_DEPLOYER: ComponentType
FEATURE_STORE: ComponentType
EXPERIMENT_TRACKER: ComponentType
ALERTER: ComponentType
ANNOTATOR: ComponentType
DATA_VALIDATOR: ComponentType
MODEL_REGISTRY: ComponentType
ERROR_REASON_UNSPECIFIED: ErrorReason
FILE_NOT_FOUND: ErrorReason
FILE_EXISTS: ErrorReason
IS_A_DIRECTORY: ErrorReason
NOT_A_DIRECTORY: ErrorReason
DIRECTORY_NOT_EMPTY: ErrorReason
PERMISSION: ErrorReason
INVALID_CONFIG: ErrorReason
INVALID_ARGUMENT: ErrorReason
ENTITY_NOT_FOUND: ErrorReason
ENTITY_EXISTS: ErrorReason
ENTITY_IN_USE: ErrorReason
FLAVOR_SOURCE: ErrorReason
COMPONENT_UNAVAILABLE: ErrorReason
NOT_IMPLEMENTED: ErrorReason
FLAVOR_ERROR: ErrorReason
OS_ERROR: ErrorReason
COMPONENT_TIMEOUT: ErrorReason
LIMIT_EXCEEDED: ErrorReason
MALFORMED_REQUEST: ErrorReason
FILE_CHANGED: ErrorReason
COMPONENT_NOT_CONFIGURED: ErrorReason
