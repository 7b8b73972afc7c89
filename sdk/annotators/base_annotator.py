"""The annotator abstraction: datasets of tasks that people label in an annotation interface.

As in ZenML, a flavor implements every method. Where ZenML's dataset methods take only
`**kwargs` and read `dataset_name` from them, ours name `dataset_name` as a parameter (keyword
calls such as `get_dataset(dataset_name="x")` work with both); the other keyword arguments are
the flavor's own options. What the methods return as `Any` must be JSON-like (dicts, lists,
strings, numbers), since it crosses to the client as JSON.
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class BaseAnnotatorConfig(StackComponentConfig):
    """Config of every annotator; flavors add their fields."""


class BaseAnnotator(StackComponent, ABC):
    """Base class of every annotator implementation."""

    @property
    def config(self) -> BaseAnnotatorConfig:
        """The annotator's config."""
        config = self._config
        assert isinstance(config, BaseAnnotatorConfig)
        return config

    @abstractmethod
    def get_url(self) -> str:
        """The URL of the annotation interface."""

    @abstractmethod
    def get_url_for_dataset(self, dataset_name: str) -> str:
        """The URL of the annotation interface for one dataset."""

    @abstractmethod
    def get_datasets(self) -> list[Any]:
        """The datasets available for annotation (JSON-like, one entry each)."""

    @abstractmethod
    def get_dataset_names(self) -> list[str]:
        """The names of the datasets available for annotation."""

    @abstractmethod
    def get_dataset_stats(self, dataset_name: str) -> tuple[int, int]:
        """(labeled, unlabeled): how many tasks of the dataset have a label, and how many not."""

    @abstractmethod
    def launch(self, url: str | None = None) -> None:
        """Starts the annotation interface (where the flavor can choose: at `url`)."""

    @abstractmethod
    def add_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """Registers a dataset for annotation; returns it. EntityExistsError if it exists."""

    @abstractmethod
    def get_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset; EntityNotFoundError if there is none of that name."""

    @abstractmethod
    def delete_dataset(self, dataset_name: str, **kwargs: Any) -> None:
        """Deletes the dataset and its tasks."""

    @abstractmethod
    def get_labeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset's labeled tasks."""

    @abstractmethod
    def get_unlabeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset's tasks that have no label yet."""


class BaseAnnotatorFlavor(Flavor):
    """Base class of annotator flavors: the type is fixed, the config defaults to the base."""

    @property
    def type(self) -> StackComponentType:
        """Annotators are of type ANNOTATOR."""
        return StackComponentType.ANNOTATOR

    @property
    def config_class(self) -> builtins.type[BaseAnnotatorConfig]:
        """The config class; flavors narrow it."""
        return BaseAnnotatorConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseAnnotator]:
        """The implementation class (imported in the sidecar only)."""
