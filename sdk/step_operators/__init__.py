"""Step operators: the base abstractions every step operator flavor builds on."""

from flavorhost.step_operators.base_step_operator import (
    BaseStepOperator,
    BaseStepOperatorConfig,
    BaseStepOperatorFlavor,
)

__all__ = ["BaseStepOperator", "BaseStepOperatorConfig", "BaseStepOperatorFlavor"]
