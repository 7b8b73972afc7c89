"""The alerter abstraction: post a message to people, or ask them a question and wait.

As in ZenML, both methods answer a bool (whether the message got through; for `ask`, whether it
was approved) rather than raising when the chat service fails, so a pipeline can decide what a
missing alert means.
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class BaseAlerterConfig(StackComponentConfig):
    """Config of every alerter; flavors add their fields."""


class BaseAlerterStepParameters(BaseModel):
    """Per-call parameters of `post` and `ask`; flavors subclass it with their own fields.

    They cross to the sidecar as JSON, so fields must be JSON-like; unknown fields are errors.
    """

    model_config = ConfigDict(extra="forbid")


class BaseAlerter(StackComponent):
    """Base class of every alerter implementation."""

    # The class `params` are validated into in the sidecar; flavors with their own parameters
    # set it to their subclass.
    PARAMETERS_CLASS: ClassVar[builtins.type[BaseAlerterStepParameters]] = BaseAlerterStepParameters

    @property
    def config(self) -> BaseAlerterConfig:
        """The alerter's config."""
        config = self._config
        assert isinstance(config, BaseAlerterConfig)
        return config

    def post(self, message: str, params: BaseAlerterStepParameters | None = None) -> bool:
        """Posts a message; True if it was delivered."""
        return True

    def ask(self, question: str, params: BaseAlerterStepParameters | None = None) -> bool:
        """Posts a question and waits for the answer; True only if it was approved."""
        return True


class BaseAlerterFlavor(Flavor):
    """Base class of alerter flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Alerters are of type ALERTER."""
        return StackComponentType.ALERTER

    @property
    def config_class(self) -> builtins.type[BaseAlerterConfig]:
        """The config class; flavors narrow it."""
        return BaseAlerterConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseAlerter]:
        """The implementation class (imported in the sidecar only)."""
