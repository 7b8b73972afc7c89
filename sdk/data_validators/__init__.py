"""Data validators: the base abstractions every data validator flavor builds on."""

from flavorhost.data_validators.base_data_validator import (
    BaseDataValidator,
    BaseDataValidatorConfig,
    BaseDataValidatorFlavor,
)
from flavorhost.data_validators.tabular_data import TabularData

__all__ = ["BaseDataValidator", "BaseDataValidatorConfig", "BaseDataValidatorFlavor", "TabularData"]
