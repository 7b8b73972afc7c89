"""The `file` experiment tracker's implementation: JSON files, one folder per step run."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from flavorhost.experiment_trackers import BaseExperimentTracker
from flavorhost.flavors.file_experiment_tracker.flavor import (
    FileExperimentTrackerConfig,
    FileExperimentTrackerSettings,
)
from flavorhost.stack.step_run_info import BaseSettings, StepRunInfo, current_step_run

RUN_FILE, PARAMS_FILE, METRICS_FILE = "run.json", "params.json", "metrics.jsonl"


def _write_json(path: Path, value: Any) -> None:
    """Replaces a JSON file whole (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as file:
        json.dump(value, file, indent=1, sort_keys=True)
    os.replace(file.name, path)


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default


class FileExperimentTracker(BaseExperimentTracker):
    """Files each step run under root/EXPERIMENT/RUN_NAME/STEP/."""

    settings_class: ClassVar[type[BaseSettings] | None] = FileExperimentTrackerSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()

    @property
    def config(self) -> FileExperimentTrackerConfig:
        """The tracker's config."""
        config = self._config
        assert isinstance(config, FileExperimentTrackerConfig)
        return config

    # --- where a step run's files are --------------------------------------------------------

    def _index(self, run_name: str, step: str) -> Path:
        """Where the experiment a step run was filed under is noted (steps of one run may be
        filed under different experiments)."""
        return Path(self.config.root) / ".runs" / run_name / f"{step}.json"

    def _folder(self, info: StepRunInfo) -> Path:
        """The step run's folder; found by name once prepare_step_run filed it."""
        located = _read_json(self._index(info.run_name, info.step), None)
        experiment = located or info.pipeline
        return Path(self.config.root) / experiment / info.run_name / info.step

    # --- run hooks ----------------------------------------------------------------------------

    def prepare_step_run(self, info: StepRunInfo) -> None:
        """Files the step run under its experiment, with its settings and tags."""
        settings = self.get_settings(info)
        assert isinstance(settings, FileExperimentTrackerSettings)
        experiment = settings.experiment_name or info.pipeline
        with self._lock:
            _write_json(self._index(info.run_name, info.step), experiment)
            folder = self._folder(info)
            record = _read_json(folder / RUN_FILE, {})
            record.update(
                {
                    "run_id": info.run_id,
                    "experiment": experiment,
                    "settings": settings.model_dump(mode="json"),
                    "tags": {**record.get("tags", {}), **settings.tags},
                    "status": "running",
                    "started": time.time(),
                }
            )
            _write_json(folder / RUN_FILE, record)

    def cleanup_step_run(self, info: StepRunInfo, step_failed: bool) -> None:
        """Marks the step run completed or failed."""
        with self._lock:
            path = self._folder(info) / RUN_FILE
            record = _read_json(path, {})
            record.update(
                {"status": "failed" if step_failed else "completed", "ended": time.time()}
            )
            _write_json(path, record)

    def get_step_run_metadata(self, info: StepRunInfo) -> dict[str, Any]:
        """Where the step run's files are."""
        folder = self._folder(info)
        return {"tracking_uri": folder.as_uri(), "experiment": folder.parent.parent.name}

    # --- logging ------------------------------------------------------------------------------

    def log_params(self, params: dict[str, Any], info: StepRunInfo | None = None) -> None:
        """Merges parameters into params.json."""
        folder = self._folder(info or current_step_run("log_params"))
        with self._lock:
            _write_json(folder / PARAMS_FILE, {**_read_json(folder / PARAMS_FILE, {}), **params})

    def log_metrics(
        self, metrics: dict[str, float], step: int | None = None, info: StepRunInfo | None = None
    ) -> None:
        """Appends one line per value to metrics.jsonl."""
        folder = self._folder(info or current_step_run("log_metrics"))
        now = time.time()
        lines = "".join(
            json.dumps({"key": key, "value": value, "step": step, "time": now}) + "\n"
            for key, value in metrics.items()
        )
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / METRICS_FILE, "a") as file:
                file.write(lines)

    def set_tags(self, tags: dict[str, str], info: StepRunInfo | None = None) -> None:
        """Merges tags into run.json."""
        folder = self._folder(info or current_step_run("set_tags"))
        with self._lock:
            record = _read_json(folder / RUN_FILE, {})
            record["tags"] = {**record.get("tags", {}), **tags}
            _write_json(folder / RUN_FILE, record)

    def get_tracked(self, run_name: str, step: str) -> dict[str, Any]:
        """What a step run logged; FileNotFoundError if it logged nothing."""
        index = self._index(run_name, step)
        if not index.parent.is_dir():
            raise FileNotFoundError(2, f"tracker {self.name!r} has no run {run_name!r}", str(index))
        experiment = _read_json(index, None)
        if experiment is None:
            raise FileNotFoundError(2, f"run {run_name!r} has no step {step!r}", str(index))
        folder = Path(self.config.root) / experiment / run_name / step
        record = _read_json(folder / RUN_FILE, {})
        metrics_path = folder / METRICS_FILE
        metrics = (
            [json.loads(line) for line in metrics_path.read_text().splitlines() if line]
            if metrics_path.exists()
            else []
        )
        return {
            "experiment": experiment,
            "params": _read_json(folder / PARAMS_FILE, {}),
            "metrics": metrics,
            "tags": record.get("tags", {}),
            "settings": record.get("settings", {}),
            "status": record.get("status", ""),
        }
