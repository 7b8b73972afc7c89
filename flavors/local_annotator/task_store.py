"""Datasets of labeling tasks as JSON files in one folder, `<name>.json` each:

    {"name": "pets", "labels": ["cat", "dog"],
     "tasks": [{"id": 1, "data": {"text": "..."}, "label": null}, ...]}

`labels` lists the labels a task may get (empty: any text). Files are replaced whole (written
aside, then renamed), so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from flavorhost.errors import EntityExistsError, EntityNotFoundError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


class TaskStore:
    """The datasets of one folder; one lock serializes changes made through this object."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The datasets' names, sorted."""
        if not self.path.is_dir():
            return []
        return sorted(p.stem for p in self.path.glob("*.json") if NAME.fullmatch(p.stem))

    def load(self, name: str) -> dict[str, Any]:
        """A dataset; EntityNotFoundError naming the ones there are."""
        try:
            text = self._file(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none yet"
            raise EntityNotFoundError(
                f"no dataset {name!r} in {self.path} (datasets: {known}); add it with "
                f"add_dataset(dataset_name={name!r}, tasks=[...])"
            ) from None
        dataset: dict[str, Any] = json.loads(text)
        return dataset

    def create(self, name: str, labels: list[str], tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """A new dataset of unlabeled tasks; EntityExistsError if one has that name."""
        dataset = {
            "name": name,
            "labels": labels,
            "tasks": [
                {"id": number, "data": data, "label": None}
                for number, data in enumerate(tasks, start=1)
            ],
        }
        with self._lock:
            if self._file(name).exists():
                raise EntityExistsError(
                    f"dataset {name!r} exists already; delete it first or choose another name"
                )
            self._write(dataset)
        return dataset

    def delete(self, name: str) -> None:
        """Deletes a dataset; EntityNotFoundError if there is none."""
        with self._lock:
            self.load(name)
            self._file(name).unlink()

    def set_label(self, name: str, task_id: int, label: str | None) -> dict[str, Any]:
        """Labels one task (None: unlabels it); returns the task. ValueError for a label the
        dataset does not allow, EntityNotFoundError for an unknown dataset or task."""
        with self._lock:
            dataset = self.load(name)
            if label is not None and dataset["labels"] and label not in dataset["labels"]:
                raise ValueError(
                    f"label {label!r} is not one of dataset {name!r}'s labels: "
                    f"{', '.join(dataset['labels'])}"
                )
            for task in dataset["tasks"]:
                if task["id"] == task_id:
                    task["label"] = label
                    self._write(dataset)
                    return dict(task)
        raise EntityNotFoundError(f"dataset {name!r} has no task {task_id}")

    def _file(self, name: str) -> Path:
        if not NAME.fullmatch(name):
            raise ValueError(
                f"dataset name {name!r} is not allowed: use letters, digits, '_', '-' and '.', "
                "starting with a letter or digit (at most 100 characters)"
            )
        return self.path / f"{name}.json"

    def _write(self, dataset: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(dataset, out, indent=1)
            os.replace(temporary, self._file(dataset["name"]))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def counts(dataset: dict[str, Any]) -> tuple[int, int]:
    """(labeled, unlabeled) task counts."""
    labeled = sum(task["label"] is not None for task in dataset["tasks"])
    return labeled, len(dataset["tasks"]) - labeled


def summary(dataset: dict[str, Any]) -> dict[str, Any]:
    """A dataset without its tasks: name, labels and counts."""
    labeled, unlabeled = counts(dataset)
    return {
        "name": dataset["name"],
        "labels": dataset["labels"],
        "tasks": labeled + unlabeled,
        "labeled": labeled,
        "unlabeled": unlabeled,
    }
