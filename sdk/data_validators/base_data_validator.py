"""The data validator abstraction: profile datasets, check them, and check models on them.

As in ZenML, a flavor implements the methods it supports; the others raise NotImplementedError.
Implementations receive datasets as `TabularData` (read from the wire's CSV), the model of
`model_validation` as a URI or path to read it from, and return JSON-like results (they cross to
the client as JSON).
"""

from __future__ import annotations

import builtins
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from flavorhost.data_validators.tabular_data import TabularData
from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class BaseDataValidatorConfig(StackComponentConfig):
    """Config of every data validator; flavors add their fields."""


class BaseDataValidator(StackComponent):
    """Base class of every data validator implementation."""

    @property
    def config(self) -> BaseDataValidatorConfig:
        """The data validator's config."""
        config = self._config
        assert isinstance(config, BaseDataValidatorConfig)
        return config

    def data_profiling(
        self,
        dataset: TabularData,
        comparison_dataset: TabularData | None = None,
        profile_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A profile of `dataset` (optionally against `comparison_dataset`): the profiles named
        in `profile_list`, or the flavor's default."""
        raise NotImplementedError(f"data validator flavor {self.flavor!r} does not profile data")

    def data_validation(
        self,
        dataset: TabularData,
        comparison_dataset: TabularData | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The results of the checks named in `check_list` (or the flavor's default) on
        `dataset`, optionally against `comparison_dataset`."""
        raise NotImplementedError(f"data validator flavor {self.flavor!r} does not check data")

    def model_validation(
        self,
        dataset: TabularData,
        model: Any,
        comparison_dataset: TabularData | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The results of model checks on `dataset`; `model` is where to read the model from."""
        raise NotImplementedError(f"data validator flavor {self.flavor!r} does not check models")


class BaseDataValidatorFlavor(Flavor):
    """Base class of data validator flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Data validators are of type DATA_VALIDATOR."""
        return StackComponentType.DATA_VALIDATOR

    @property
    def config_class(self) -> builtins.type[BaseDataValidatorConfig]:
        """The config class; flavors narrow it."""
        return BaseDataValidatorConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseDataValidator]:
        """The implementation class (imported in the sidecar only)."""
