"""What a model registry keeps: registered models, their versions, stages and metadata.

The same classes on both sides: a flavor's implementation returns them, the SDK proxy returns
them to pipeline code. `model_messages.py` puts them on the wire.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flavorhost.stack.step_run_info import current_step_run


class ModelVersionStage(Enum):
    """The stage of a model version (values are ZenML's)."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"


class RegisteredModel(BaseModel):
    """A registered model: the container of its versions."""

    name: str
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class ModelRegistryModelMetadata(BaseModel):
    """Where a model version comes from: named fields for the pipeline run that made it, and
    any other string attributes (extra keyword arguments). On the wire, one string map."""

    model_config = ConfigDict(extra="allow")

    flavorhost_version: str | None = None
    pipeline_name: str | None = None
    run_name: str | None = None
    pipeline_run_id: str | None = None
    step_name: str | None = None

    @property
    def managed_by(self) -> str:
        """Who wrote the metadata."""
        return "flavorhost"

    @property
    def custom_attributes(self) -> dict[str, str]:
        """The attributes other than the named fields, as strings."""
        return {key: str(value) for key, value in (self.model_extra or {}).items()}

    def as_strings(self) -> dict[str, str]:
        """Every set attribute as a string: the map that travels and is stored."""
        named = {
            key: str(value)
            for key in type(self).model_fields
            if (value := getattr(self, key)) is not None
        }
        return {**named, **self.custom_attributes}

    @classmethod
    def for_current_step(cls, **custom_attributes: Any) -> ModelRegistryModelMetadata:
        """The metadata of the pipeline step this process runs (RuntimeError outside one),
        with `custom_attributes` added."""
        from flavorhost import __version__

        info = current_step_run("ModelRegistryModelMetadata.for_current_step")
        return cls(
            flavorhost_version=__version__,
            pipeline_name=info.pipeline,
            run_name=info.run_name,
            pipeline_run_id=info.run_id,
            step_name=info.step,
            **custom_attributes,
        )


class RegistryModelVersion(BaseModel):
    """One version of a registered model. `model_source_uri` is fixed once registered: a
    changed model is a new version."""

    model_config = ConfigDict(protected_namespaces=())

    version: str
    model_source_uri: str
    model_format: str
    model_library: str | None = None
    registered_model: RegisteredModel
    description: str | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    stage: ModelVersionStage = ModelVersionStage.NONE
    metadata: ModelRegistryModelMetadata | None = None
