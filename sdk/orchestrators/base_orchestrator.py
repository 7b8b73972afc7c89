"""The orchestrator abstraction: run a compiled pipeline's steps, in order, somewhere.

The snapshot (docs/pipelines.md) lists the steps with their upstream steps and the command that
runs each one; a step reports its own progress to the host. So an orchestrator only decides
where and when each step's command runs, and reports a step whose process ended without saying
how it went.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class BaseOrchestratorConfig(StackComponentConfig):
    """Config of every orchestrator; flavors add their fields."""

    @property
    def is_synchronous(self) -> bool:
        """Whether a run ends before `submit_pipeline` returns."""
        return False


@dataclass(frozen=True)
class SubmissionResult:
    """What an orchestrator says of a run it took."""

    orchestrator_run_id: str = ""
    # Shown with the run (`flavorhost pipeline runs describe`): where to watch it, and so on.
    metadata: dict[str, Any] = field(default_factory=dict)


def steps_in_order(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot's steps, each after its upstream steps (ValueError on a cycle)."""
    steps = {step["name"]: step for step in snapshot["steps"]}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    while len(ordered) < len(steps):
        ready = [
            step
            for name, step in steps.items()
            if name not in placed and set(step.get("upstream", [])) <= placed
        ]
        if not ready:
            stuck = sorted(set(steps) - placed)
            raise ValueError(f"the steps {stuck} wait on each other (a cycle) or on no step")
        for step in ready:
            ordered.append(step)
            placed.add(step["name"])
    return ordered


class BaseOrchestrator(StackComponent):
    """Base class of every orchestrator implementation."""

    @property
    def config(self) -> BaseOrchestratorConfig:
        """The orchestrator's config."""
        config = self._config
        assert isinstance(config, BaseOrchestratorConfig)
        return config

    @abstractmethod
    def submit_pipeline(
        self,
        snapshot: dict[str, Any],
        base_environment: dict[str, str],
        step_environments: dict[str, dict[str, str]],
    ) -> SubmissionResult | None:
        """Starts a run of `snapshot`: each step's `command`, with `base_environment` and its
        own `step_environments` entry, once its `upstream` steps completed."""

    def fetch_status(self, run_id: str) -> str:
        """'running', 'completed', 'failed', or '' when the orchestrator does not know the run."""
        return ""


class BaseOrchestratorFlavor(Flavor):
    """Base class of orchestrator flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Orchestrators are of type ORCHESTRATOR."""
        return StackComponentType.ORCHESTRATOR

    @property
    def config_class(self) -> builtins.type[BaseOrchestratorConfig]:
        """The config class; flavors narrow it."""
        return BaseOrchestratorConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseOrchestrator]:
        """The implementation class (imported in the sidecar only)."""
