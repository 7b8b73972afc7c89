"""The experiment tracker abstraction: what a step logs (parameters, metrics, tags), per step run.

Inside a step, call the methods without `info`: the step run is the one the process executes.
Each flavor's run hooks (`prepare_step_run`, with the step's settings, and
`get_step_run_metadata`, with where to see the run) come from StackComponent.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig
from flavorhost.stack.step_run_info import StepRunInfo


class BaseExperimentTrackerConfig(StackComponentConfig):
    """Config of every experiment tracker; flavors add their fields."""


class BaseExperimentTracker(StackComponent):
    """Base class of every experiment tracker implementation."""

    @property
    def config(self) -> BaseExperimentTrackerConfig:
        """The tracker's config."""
        config = self._config
        assert isinstance(config, BaseExperimentTrackerConfig)
        return config

    @abstractmethod
    def log_params(self, params: dict[str, Any], info: StepRunInfo | None = None) -> None:
        """Records parameters of the step run (merged over earlier ones)."""

    @abstractmethod
    def log_metrics(
        self, metrics: dict[str, float], step: int | None = None, info: StepRunInfo | None = None
    ) -> None:
        """Records metric values of the step run, for training step `step` if given."""

    @abstractmethod
    def set_tags(self, tags: dict[str, str], info: StepRunInfo | None = None) -> None:
        """Sets tags of the step run (merged over earlier ones)."""

    @abstractmethod
    def get_tracked(self, run_name: str, step: str) -> dict[str, Any]:
        """What a step run logged: {"params", "metrics", "tags", "settings", "status"}."""


class BaseExperimentTrackerFlavor(Flavor):
    """Base class of experiment tracker flavors: the type is fixed."""

    @property
    def type(self) -> StackComponentType:
        """Experiment trackers are of type EXPERIMENT_TRACKER."""
        return StackComponentType.EXPERIMENT_TRACKER

    @property
    def config_class(self) -> builtins.type[BaseExperimentTrackerConfig]:
        """The config class; flavors narrow it."""
        return BaseExperimentTrackerConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseExperimentTracker]:
        """The implementation class (imported in the sidecar only)."""
