"""Model registry values on the wire (model_registry.proto) and back, for the servicer and the
proxy: times as seconds since the epoch, stages as the proto enum, metadata as string maps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flavorhost.generated.v1 import model_registry_pb2 as pb
from flavorhost.model_registries.model_versions import (
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)

_STAGES = {
    ModelVersionStage.NONE: pb.MODEL_VERSION_STAGE_NONE,
    ModelVersionStage.STAGING: pb.MODEL_VERSION_STAGE_STAGING,
    ModelVersionStage.PRODUCTION: pb.MODEL_VERSION_STAGE_PRODUCTION,
    ModelVersionStage.ARCHIVED: pb.MODEL_VERSION_STAGE_ARCHIVED,
}
_STAGES_BY_VALUE = {value: stage for stage, value in _STAGES.items()}


def stage(value: ModelVersionStage | str | None) -> ModelVersionStage | None:
    """A stage given as the enum or its value ("Production"); ValueError naming the stages."""
    if value is None or isinstance(value, ModelVersionStage):
        return value
    try:
        return ModelVersionStage(value)
    except ValueError:
        known = ", ".join(repr(s.value) for s in ModelVersionStage)
        raise ValueError(f"unknown stage {value!r}; use one of {known}") from None


def stage_to_proto(value: ModelVersionStage | str | None) -> pb.ModelVersionStage:
    """The proto enum value (UNSPECIFIED for None)."""
    given = stage(value)
    return pb.MODEL_VERSION_STAGE_UNSPECIFIED if given is None else _STAGES[given]


def stage_from_proto(value: int) -> ModelVersionStage | None:
    """The stage of a proto enum value (None for UNSPECIFIED)."""
    if value == pb.MODEL_VERSION_STAGE_UNSPECIFIED:
        return None
    if value not in _STAGES_BY_VALUE:
        raise ValueError(f"unknown model version stage {value}")
    return _STAGES_BY_VALUE[value]  # type: ignore[index]


def seconds(value: datetime | None) -> float | None:
    """Seconds since the epoch (a naive datetime is local time)."""
    return None if value is None else value.timestamp()


def moment(value: float) -> datetime:
    """An aware UTC datetime, to the microsecond."""
    return datetime.fromtimestamp(value, UTC)


def time_from_seconds(value: float) -> datetime | None:
    """An aware UTC datetime; None for 0 (unknown)."""
    return moment(value) if value else None


def metadata_strings(
    value: ModelRegistryModelMetadata | Mapping[str, Any] | None, what: str = "metadata"
) -> dict[str, str]:
    """A version's metadata (or a plain mapping) as the string map that travels."""
    if value is None:
        return {}
    if isinstance(value, ModelRegistryModelMetadata):
        return value.as_strings()
    if isinstance(value, Mapping):
        return ModelRegistryModelMetadata.model_validate(dict(value)).as_strings()
    raise TypeError(
        f"{what} must be a ModelRegistryModelMetadata, a dict or None, not {type(value).__name__}"
    )


def model_to_proto(model: RegisteredModel) -> pb.RegisteredModel:
    """A registered model on the wire."""
    return pb.RegisteredModel(
        name=model.name, description=model.description, metadata=model.metadata
    )


def model_from_proto(message: pb.RegisteredModel) -> RegisteredModel:
    """A registered model from the wire."""
    return RegisteredModel(
        name=message.name,
        description=message.description if message.HasField("description") else None,
        metadata=dict(message.metadata),
    )


def version_to_proto(found: RegistryModelVersion) -> pb.ModelVersion:
    """A model version on the wire."""
    return pb.ModelVersion(
        registered_model=model_to_proto(found.registered_model),
        version=found.version,
        model_source_uri=found.model_source_uri,
        model_format=found.model_format,
        model_library=found.model_library,
        description=found.description,
        created_at=seconds(found.created_at) or 0.0,
        last_updated_at=seconds(found.last_updated_at) or 0.0,
        stage=stage_to_proto(found.stage),
        metadata=metadata_strings(found.metadata),
    )


def version_from_proto(message: pb.ModelVersion) -> RegistryModelVersion:
    """A model version from the wire."""
    return RegistryModelVersion(
        registered_model=model_from_proto(message.registered_model),
        version=message.version,
        model_source_uri=message.model_source_uri,
        model_format=message.model_format,
        model_library=message.model_library if message.HasField("model_library") else None,
        description=message.description if message.HasField("description") else None,
        created_at=time_from_seconds(message.created_at),
        last_updated_at=time_from_seconds(message.last_updated_at),
        stage=stage_from_proto(message.stage) or ModelVersionStage.NONE,
        metadata=ModelRegistryModelMetadata.model_validate(dict(message.metadata)),
    )
