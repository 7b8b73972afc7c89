"""Conversions between Python values and the generated messages, in one place."""

from __future__ import annotations

from typing import cast

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import common_pb2, runs_pb2


def type_to_proto(kind: StackComponentType | str | None) -> common_pb2.ComponentType:
    """The proto enum value of a component type or its value (UNSPECIFIED for None)."""
    if kind is None:
        return common_pb2.COMPONENT_TYPE_UNSPECIFIED
    name = StackComponentType(kind).name
    return cast(common_pb2.ComponentType, common_pb2.ComponentType.Value(name))


def type_from_proto(value: int, required: bool = True) -> StackComponentType | None:
    """The component type of a proto enum value; ValueError when required and unspecified."""
    if value == common_pb2.COMPONENT_TYPE_UNSPECIFIED:
        if required:
            raise ValueError("the request has no component type; set `type`")
        return None
    try:
        return StackComponentType[common_pb2.ComponentType.Name(value)]
    except (KeyError, ValueError) as error:
        raise ValueError(f"unknown component type {value}") from error


def required_type(value: int) -> StackComponentType:
    """The component type of a proto enum value, which must be given."""
    kind = type_from_proto(value, required=True)
    assert kind is not None
    return kind


def status_to_proto(status: str) -> runs_pb2.ExecutionStatus:
    """The proto enum value of an execution status ('pending', 'failed', ...; '' unspecified)."""
    if not status:
        return runs_pb2.EXECUTION_STATUS_UNSPECIFIED
    return cast(runs_pb2.ExecutionStatus, runs_pb2.ExecutionStatus.Value(status.upper()))


def status_from_proto(value: int) -> str:
    """The execution status of a proto enum value ('' for unspecified)."""
    if value == runs_pb2.EXECUTION_STATUS_UNSPECIFIED:
        return ""
    try:
        return runs_pb2.ExecutionStatus.Name(value).lower()
    except ValueError as error:
        raise ValueError(f"unknown execution status {value}") from error
