"""The `local` annotator's implementation: a TaskStore in the configured folder, and the
labeling interface (web_ui) that `launch()` starts in the sidecar.

Shapes of what the methods return: a dataset is `{"name", "labels", "tasks": [{"id", "data",
"label"}]}` (add_dataset, get_dataset); get_datasets gives summaries `{"name", "labels",
"tasks", "labeled", "unlabeled"}` (counts); get_labeled_data and get_unlabeled_data give lists
of tasks.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from flavorhost import json_payloads
from flavorhost.annotators import BaseAnnotator
from flavorhost.flavors.local_annotator.flavor import LocalAnnotatorConfig
from flavorhost.flavors.local_annotator.task_store import TaskStore, counts, summary
from flavorhost.flavors.local_annotator.web_ui import AnnotationServer


class AddDatasetOptions(BaseModel):
    """The keyword arguments of add_dataset: the labels allowed (none: any text), and the
    tasks, one JSON object of data each (e.g. {"text": ...} or {"image": "path or URL"})."""

    model_config = ConfigDict(extra="forbid")

    labels: list[str] = Field(default_factory=list)
    tasks: list[dict[str, Any]] = Field(default_factory=list)


class NoOptions(BaseModel):
    """The other dataset methods take no keyword arguments besides dataset_name."""

    model_config = ConfigDict(extra="forbid")


class LocalAnnotator(BaseAnnotator):
    """Datasets as JSON files, labeled in a web interface served by the sidecar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._store = TaskStore(Path(self.config.path))
        self._server: AnnotationServer | None = None
        self._server_lock = threading.Lock()

    @property
    def config(self) -> LocalAnnotatorConfig:
        """The annotator's config."""
        config = self._config
        assert isinstance(config, LocalAnnotatorConfig)
        return config

    def get_url(self) -> str:
        """Where the interface is served; ValueError saying to launch it when it is not."""
        server = self._server
        if server is None:
            raise ValueError(
                f"annotator {self.name!r} serves no interface yet: call launch() first "
                "(it serves until the component is reconfigured or its sidecar stops)"
            )
        return server.url

    def get_url_for_dataset(self, dataset_name: str) -> str:
        """The page of one dataset in the interface."""
        self._store.load(dataset_name)
        return f"{self.get_url()}datasets/{quote(dataset_name)}"

    def get_datasets(self) -> list[Any]:
        """Summaries of every dataset."""
        return [summary(self._store.load(name)) for name in self._store.names()]

    def get_dataset_names(self) -> list[str]:
        """The datasets' names, sorted."""
        return self._store.names()

    def get_dataset_stats(self, dataset_name: str) -> tuple[int, int]:
        """(labeled, unlabeled) task counts."""
        return counts(self._store.load(dataset_name))

    def launch(self, url: str | None = None) -> None:
        """Starts the interface at `url` (http://HOST:PORT), or the config's host and port."""
        host, port = _address(url) if url else (self.config.host, self.config.port)
        with self._server_lock:
            if self._server is not None:
                if url and _address(self._server.url) != (host, port) and port != 0:
                    raise ValueError(
                        f"annotator {self.name!r} serves at {self._server.url} already; it "
                        "serves at one address at a time"
                    )
                return
            self._server = AnnotationServer(self._store, host, port)

    def add_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """A new dataset of unlabeled tasks (options: `labels`, `tasks`)."""
        options = json_payloads.validate(AddDatasetOptions, kwargs, "add_dataset options")
        return self._store.create(dataset_name, options.labels, options.tasks)

    def get_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset with its tasks."""
        _no_options(kwargs, "get_dataset")
        return self._store.load(dataset_name)

    def delete_dataset(self, dataset_name: str, **kwargs: Any) -> None:
        """Deletes the dataset's file."""
        _no_options(kwargs, "delete_dataset")
        self._store.delete(dataset_name)

    def get_labeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The tasks that have a label."""
        _no_options(kwargs, "get_labeled_data")
        tasks = self._store.load(dataset_name)["tasks"]
        return [task for task in tasks if task["label"] is not None]

    def get_unlabeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The tasks that have none."""
        _no_options(kwargs, "get_unlabeled_data")
        tasks = self._store.load(dataset_name)["tasks"]
        return [task for task in tasks if task["label"] is None]

    def cleanup(self) -> None:
        """Stops the interface."""
        with self._server_lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()


def _no_options(kwargs: dict[str, Any], method: str) -> None:
    json_payloads.validate(NoOptions, kwargs, f"{method} options")


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(
            f"launch(url=...) takes http://HOST:PORT, e.g. http://127.0.0.1:8089, not {url!r}"
        )
    try:
        port = parts.port or 80
    except ValueError:
        raise ValueError(f"the port in {url!r} is not a number from 0 to 65535") from None
    return parts.hostname, port
