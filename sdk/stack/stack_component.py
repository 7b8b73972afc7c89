"""`StackComponentConfig` and `StackComponent`: what every component type builds on."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from flavorhost.enums import StackComponentType
from flavorhost.stack.step_run_info import BaseSettings, StepRunInfo


class StackComponentConfig(BaseModel):
    """The static configuration of a stack component.

    Kept apart from the implementation so the host can validate a config without importing the
    implementation's (possibly heavy) dependencies. Unknown fields are errors.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def is_remote(self) -> bool:
        """Whether the component runs, or keeps its data, away from this machine."""
        return False

    @property
    def is_local(self) -> bool:
        """Whether the component relies on this machine's resources."""
        return False


class StackComponent:
    """The implementation of a stack component, built from a validated config.

    flavorhost creates it inside the flavor's sidecar process, never in the host.
    """

    def __init__(
        self,
        name: str,
        id: UUID,
        config: StackComponentConfig,
        flavor: str,
        type: StackComponentType,
        user: UUID | None = None,
        created: datetime | None = None,
        updated: datetime | None = None,
        labels: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.name = name
        self.id = id
        self._config = config
        self.flavor = flavor
        self.type = type
        self.user = user
        self.created = created
        self.updated = updated
        self.labels = labels or {}

    @property
    def config(self) -> StackComponentConfig:
        """The component's config (flavors narrow the return type)."""
        return self._config

    def cleanup(self) -> None:
        """Releases what the component holds; called when the sidecar forgets it."""

    # --- around pipeline runs (each called by the step's process, through the sidecar) -------

    # The class of the runtime settings the component accepts per step or pipeline, if any.
    settings_class: ClassVar[type[BaseSettings] | None] = None

    def get_settings(self, info: StepRunInfo) -> BaseSettings:
        """The step's settings for this component, validated by `settings_class`."""
        settings_class = type(self).settings_class
        if settings_class is None:
            if info.settings:
                raise ValueError(
                    f"{self.type.value} flavor {self.flavor!r} takes no settings; remove "
                    f"{sorted(info.settings)} from the step's or pipeline's settings"
                )
            return BaseSettings()
        return settings_class.model_validate(info.settings)

    def prepare_step_run(self, info: StepRunInfo) -> None:
        """Called before a step that runs on this component's stack starts."""

    def cleanup_step_run(self, info: StepRunInfo, step_failed: bool) -> None:
        """Called after the step ended."""

    def get_step_run_metadata(self, info: StepRunInfo) -> dict[str, Any]:
        """Metadata to record with the step run (JSON values)."""
        return {}

    def get_pipeline_run_metadata(self, run_id: str) -> dict[str, Any]:
        """Metadata to record with the pipeline run (JSON values)."""
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, flavor={self.flavor!r})"
