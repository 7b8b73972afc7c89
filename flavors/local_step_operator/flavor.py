"""Config, settings and flavor of the `local` step operator (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.stack.step_run_info import BaseSettings
from flavorhost.step_operators import BaseStepOperatorConfig, BaseStepOperatorFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_step_operator.step_operator import LocalStepOperator


class LocalStepOperatorSettings(BaseSettings):
    """Per step: extra environment variables for the step's process."""

    environment: dict[str, str] = Field(default_factory=dict)


class LocalStepOperatorConfig(BaseStepOperatorConfig):
    """Steps run as processes of this machine: with `python` instead of the pipeline's
    interpreter if set (an environment with the step's own dependencies, and flavorhost), and
    with `environment` added to their variables."""

    python: str | None = None
    environment: dict[str, str] = Field(default_factory=dict)

    @field_validator("python")
    @classmethod
    def _executable(cls, python: str | None) -> str | None:
        if python is not None and not (os.path.isabs(python) and os.access(python, os.X_OK)):
            raise ValueError(
                f"python {python!r} must be the absolute path of an executable interpreter"
            )
        return python

    @property
    def is_local(self) -> bool:
        """Steps run on this machine."""
        return True


class LocalStepOperatorFlavor(BaseStepOperatorFlavor):
    """The built-in `local` step operator flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalStepOperatorConfig]:
        """Its config class."""
        return LocalStepOperatorConfig

    @property
    def implementation_class(self) -> type[LocalStepOperator]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_step_operator.step_operator import LocalStepOperator

        return LocalStepOperator
