"""The experiment tracker type: the `file` flavor's sidecar, settings from steps and pipelines,
step run metadata, and logging from inside steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.stack.step_run_info import StepRunInfo
from tests.conftest import Cli
from tests.integration import pipeline_code

TRACKER = StackComponentType.EXPERIMENT_TRACKER


@pytest.fixture
def tracking(client: Client, tmp_path: Path) -> Path:
    """A stack with a `file` tracker, active."""
    root = tmp_path / "tracking"
    client.register_component(TRACKER, "files", "file", config={"root": str(root)})
    client.register_stack(
        "tracked",
        {
            StackComponentType.ORCHESTRATOR: "default",
            StackComponentType.ARTIFACT_STORE: "default",
            TRACKER: "files",
        },
    )
    client.activate_stack("tracked")
    return root


def test_steps_log_under_their_settings_and_report_where(client: Client, tracking: Path) -> None:
    run = pipeline_code.tracked()
    tracker = client.active_stack.experiment_tracker
    assert tracker is not None
    logged = tracker.get_tracked(run.name, "tracked_fit")
    assert logged["experiment"] == "fits"
    assert logged["params"] == {"rows": 3}
    assert [(m["key"], m["value"], m["step"]) for m in logged["metrics"]] == [
        ("loss", 1.0, 0),
        ("loss", 0.5, 1),
        ("loss", 1.0 / 3, 2),
    ]
    # The step's own settings override the pipeline's key by key.
    assert logged["settings"]["tags"] == {"team": "ml"}
    assert logged["tags"] == {"team": "ml", "fitted": "yes"}
    assert logged["status"] == "completed"
    # A step without settings of its own gets the pipeline's, under the pipeline's name.
    plain = tracker.get_tracked(run.name, "fit")
    assert plain["experiment"] == "tracked" and plain["tags"] == {"pipeline": "tracked"}
    metadata = run.steps["tracked_fit"].metadata["experiment_tracker"]
    assert metadata["tracking_uri"] == (tracking / "fits" / run.name / "tracked_fit").as_uri()
    assert (tracking / "fits" / run.name / "tracked_fit" / "metrics.jsonl").is_file()


def test_bad_settings_are_refused_before_the_run_starts(client: Client, tracking: Path) -> None:
    with pytest.raises(ValueError, match=r"step 'load_rows'.*'experiment' is not one of its"):
        pipeline_code.badly_set()
    assert client.list_runs() == []


def test_settings_for_a_type_the_stack_lacks_are_refused(client: Client) -> None:
    with pytest.raises(ValueError, match="settings are given for the experiment tracker, but"):
        pipeline_code.tracked()
    assert client.list_runs() == []


def test_logging_outside_a_step_needs_a_step_run(client: Client, tracking: Path) -> None:
    tracker = client.active_stack.experiment_tracker
    assert tracker is not None
    with pytest.raises(RuntimeError, match="call it inside a pipeline step"):
        tracker.log_params({"a": 1})
    info = StepRunInfo("id", "manual-run", "manual", "step")
    tracker.prepare_step_run(info)
    tracker.log_metrics({"acc": 0.5}, info=info)
    with pytest.raises(ValueError, match="metric 'acc' must be a finite number"):
        tracker.log_metrics({"acc": "high"}, info=info)  # type: ignore[dict-item]
    assert [m["value"] for m in tracker.get_tracked("manual-run", "step")["metrics"]] == [0.5]
    with pytest.raises(FileNotFoundError, match="no run 'nope'"):
        tracker.get_tracked("nope", "step")


def test_a_relative_root_is_refused(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="must be absolute"):
        client.register_component(TRACKER, "bad", "file", config={"root": "tracking"})


def test_cli_registers_a_tracker_in_a_stack(cli: Cli, tmp_path: Path) -> None:
    cli("experiment-tracker", "register", "t", "--flavor=file", f"--root={tmp_path}")
    cli("stack", "register", "s", "-o", "default", "-a", "default", "-e", "t")
    described = cli("stack", "describe", "s").stdout
    assert "experiment_tracker" in described.replace("-", "_") and " t" in described
