"""Pipelines end to end: the `local` orchestrator's sidecar runs each step as a process, the
steps write artifacts through the artifact store proxy and report to the host's registry."""

from __future__ import annotations

import json
import time

import pytest

from flavorhost import Client, pipeline, step
from flavorhost.enums import StackComponentType
from flavorhost.pipelines import PipelineRunFailedError, load_artifact
from tests.conftest import Cli
from tests.integration import pipeline_code
from tests.integration.pipeline_code import Model


def test_a_run_writes_artifacts_that_read_back_through_the_proxy(client: Client) -> None:
    run = pipeline_code.training(scale=2.0)
    assert run.status == "completed"
    assert list(run.steps) == ["load_rows", "split", "fit", "evaluate"]
    assert all(s.status == "completed" for s in run.steps.values())
    outputs = {name: s.outputs for name, s in run.steps.items()}
    assert set(outputs["split"]) == {"train", "test"}
    assert load_artifact(outputs["load_rows"]["rows"], client) == [
        [1.0, 2.0],
        [2.0, 4.1],
        [3.0, 5.9],
    ]
    model = load_artifact(outputs["fit"]["output"], client)
    assert isinstance(model, Model) and model.n == 2
    assert outputs["fit"]["output"].materializer == "pickle"
    report = load_artifact(outputs["evaluate"]["output"], client)
    assert report["store"] == "default" and report["error"] >= 0
    store = client.active_stack.artifact_store
    assert store.exists(f"{outputs['evaluate']['output'].uri}/data.json")
    assert [r.name for r in client.list_runs("training")] == [run.name]


def test_a_failing_step_fails_the_run_and_keeps_earlier_artifacts(client: Client) -> None:
    with pytest.raises(PipelineRunFailedError, match="cannot deploy a model fitted on 3 rows"):
        pipeline_code.failing()
    run = client.list_runs("failing")[0]
    run = client.get_run(run.id)
    assert run.status == "failed"
    assert "step 'explode' failed: ValueError: cannot deploy" in run.error
    statuses = {name: s.status for name, s in run.steps.items()}
    assert statuses == {
        "load_rows": "completed",
        "fit": "completed",
        "explode": "failed",
        "never_runs": "skipped",
    }
    assert load_artifact(run.steps["fit"].outputs["output"], client).n == 3


def test_a_killed_step_process_is_reported_by_the_orchestrator(client: Client) -> None:
    with pytest.raises(PipelineRunFailedError) as raised:
        pipeline_code.crashing()
    step_run = raised.value.run.steps["killed"]
    assert step_run.status == "failed"
    assert "exited with code -9" in step_run.error


def test_a_stack_without_an_orchestrator_cannot_run_pipelines(client: Client) -> None:
    client.register_stack("store-only", {StackComponentType.ARTIFACT_STORE: "default"})
    client.activate_stack("store-only")
    with pytest.raises(ValueError, match="has no orchestrator"):
        pipeline_code.training()
    assert client.list_runs() == []


def test_bad_pipeline_definitions_are_refused_before_anything_runs(client: Client) -> None:
    @step
    def local_step() -> int:
        return 1

    @pipeline
    def uses_local_step() -> None:
        local_step()

    with pytest.raises(ValueError, match="defined inside a function"):
        uses_local_step()

    @pipeline
    def bad_parameter() -> None:
        pipeline_code.fit(pipeline_code.load_rows(), scale=object())

    with pytest.raises(TypeError, match="argument 'scale' is a object"):
        bad_parameter()
    with pytest.raises(ValueError, match="settings key 'nonsense'"):
        step(settings={"nonsense": {}})(pipeline_code.fit.entrypoint)
    assert client.list_runs() == []


def test_steps_called_outside_a_pipeline_are_plain_functions() -> None:
    assert pipeline_code.fit([[1.0, 2.0]]).slope == 2.0


def test_cli_lists_and_describes_runs(client: Client, cli: Cli) -> None:
    run = pipeline_code.training()
    listed = cli("pipeline", "runs", "list").stdout
    assert run.name in listed and "completed" in listed
    described = cli("pipeline", "runs", "describe", run.name).stdout
    assert "evaluate" in described and "output (json)" in described
    assert json.loads(described.split("Metadata:\n", 1)[1])["run"]["orchestrator"]["step_logs"]
    missing = cli("pipeline", "runs", "describe", "nope", ok=False)
    assert "no pipeline run 'nope'" in missing.stderr


def test_the_orchestrator_proxy_directly(client: Client) -> None:
    orchestrator = client.active_stack.orchestrator
    assert orchestrator is not None
    assert orchestrator.fetch_status("no-such-run") == ""
    with pytest.raises(ValueError, match="has no command"):
        orchestrator.submit_pipeline(
            {"steps": [{"name": "a", "upstream": []}]}, {"FLAVORHOST_HOME": str(client.home)}, {}
        )
    with pytest.raises(ValueError, match="cycle"):
        orchestrator.submit_pipeline(
            {"steps": [{"name": "a", "upstream": ["b"]}, {"name": "b", "upstream": ["a"]}]},
            {},
            {},
        )
    with pytest.raises(ValueError, match="must be a JSON object with a list of `steps`"):
        orchestrator.submit_pipeline({"stages": []}, {}, {})
    # A run whose only step is a command that fails: the orchestrator reports it failed.
    run = client.create_run("manual", "default", {"steps": [{"name": "only"}]})
    snapshot = {"run_id": run.id, "steps": [{"name": "only", "command": ["false"]}]}
    result = orchestrator.submit_pipeline(snapshot, {"FLAVORHOST_HOME": str(client.home)}, {})
    assert result is not None and result.orchestrator_run_id == f"local-{run.id}"
    for _ in range(200):
        if orchestrator.fetch_status(run.id) != "running":
            break
        time.sleep(0.05)
    assert orchestrator.fetch_status(run.id) == "failed"
    recorded = client.get_run(run.id)
    assert recorded.status == "failed" and "exited with code 1" in recorded.steps["only"].error


def test_run_reports_that_make_no_sense_are_refused(client: Client) -> None:
    run = client.create_run("manual", "default", {"steps": [{"name": "only"}]})
    with pytest.raises(ValueError, match="RUNNING, COMPLETED or FAILED, not pending"):
        client.report_step(run.id, "only", "pending")
    with pytest.raises(LookupError, match="has no step named 'other'; its steps are: only"):
        client.report_step(run.id, "other", "running")
    with pytest.raises(LookupError, match="no pipeline run 'nope'"):
        client.report_step("nope", "only", "running")
    with pytest.raises(ValueError, match="metadata_json must map component names to objects"):
        client.report_step(run.id, "only", "running", metadata={"tracker": 3})
    with pytest.raises(ValueError, match="has no steps"):
        client.create_run("empty", "default", {"steps": []})
    assert client.get_run(run.id).steps["only"].status == "pending"
