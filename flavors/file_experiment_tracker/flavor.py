"""Config, settings and flavor of the `file` experiment tracker (light: no implementation
imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.experiment_trackers import BaseExperimentTrackerConfig, BaseExperimentTrackerFlavor
from flavorhost.stack.step_run_info import BaseSettings

if TYPE_CHECKING:
    from flavorhost.flavors.file_experiment_tracker.experiment_tracker import (
        FileExperimentTracker,
    )


class FileExperimentTrackerSettings(BaseSettings):
    """Per step or pipeline: the experiment the step runs are filed under (default: the
    pipeline's name), and tags set on every step run."""

    experiment_name: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("experiment_name")
    @classmethod
    def _plain_name(cls, name: str | None) -> str | None:
        if name is not None and (not name or "/" in name or name in (".", "..")):
            raise ValueError("experiment_name must be a non-empty name without '/'")
        return name


class FileExperimentTrackerConfig(BaseExperimentTrackerConfig):
    """Where the tracking files go: `root/EXPERIMENT/RUN_NAME/STEP/` holds `run.json` (settings,
    tags, status), `params.json` and `metrics.jsonl` (one JSON object per value)."""

    root: str

    @field_validator("root")
    @classmethod
    def _absolute(cls, root: str) -> str:
        expanded = os.path.expanduser(root)
        if not os.path.isabs(expanded):
            raise ValueError(f"root {root!r} must be absolute, e.g. {os.path.abspath(expanded)!r}")
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The files are on this machine."""
        return True


class FileExperimentTrackerFlavor(BaseExperimentTrackerFlavor):
    """The built-in `file` experiment tracker flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "file"

    @property
    def config_class(self) -> type[FileExperimentTrackerConfig]:
        """Its config class."""
        return FileExperimentTrackerConfig

    @property
    def implementation_class(self) -> type[FileExperimentTracker]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.file_experiment_tracker.experiment_tracker import (
            FileExperimentTracker,
        )

        return FileExperimentTracker
