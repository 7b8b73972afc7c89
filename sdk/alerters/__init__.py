"""Alerters: the base abstractions every alerter flavor builds on."""

from flavorhost.alerters.base_alerter import (
    BaseAlerter,
    BaseAlerterConfig,
    BaseAlerterFlavor,
    BaseAlerterStepParameters,
)

__all__ = ["BaseAlerter", "BaseAlerterConfig", "BaseAlerterFlavor", "BaseAlerterStepParameters"]
