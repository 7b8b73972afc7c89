"""The step operator abstraction: run one step's command in another environment.

A step asks for it with `@step(step_operator=True)` (the stack's step operator) or
`@step(step_operator="NAME")`. Its process then hands the step's command to the step operator,
which runs it where it runs steps (another process, interpreter, machine, ...); the command
reports the step's progress to the host itself.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig
from flavorhost.stack.step_run_info import StepRunInfo


class BaseStepOperatorConfig(StackComponentConfig):
    """Config of every step operator; flavors add their fields."""


class BaseStepOperator(StackComponent):
    """Base class of every step operator implementation."""

    @property
    def config(self) -> BaseStepOperatorConfig:
        """The step operator's config."""
        config = self._config
        assert isinstance(config, BaseStepOperatorConfig)
        return config

    @abstractmethod
    def launch(
        self, info: StepRunInfo, entrypoint_command: list[str], environment: dict[str, str]
    ) -> int:
        """Runs `entrypoint_command` with `environment`, waits for it; returns its exit code."""


class BaseStepOperatorFlavor(Flavor):
    """Base class of step operator flavors: the type is fixed."""

    @property
    def type(self) -> StackComponentType:
        """Step operators are of type STEP_OPERATOR."""
        return StackComponentType.STEP_OPERATOR

    @property
    def config_class(self) -> builtins.type[BaseStepOperatorConfig]:
        """The config class; flavors narrow it."""
        return BaseStepOperatorConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseStepOperator]:
        """The implementation class (imported in the sidecar only)."""
