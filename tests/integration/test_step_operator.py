"""The step operator type: steps that ask for it run as a process of the `local` step
operator's sidecar, with its settings."""

from __future__ import annotations

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.pipelines import PipelineRunFailedError, load_artifact
from tests.integration import pipeline_code

OPERATOR = StackComponentType.STEP_OPERATOR


@pytest.fixture
def operated(client: Client) -> Client:
    client.register_component(OPERATOR, "procs", "local", config={"environment": {"A": "1"}})
    client.register_stack(
        "operated",
        {
            StackComponentType.ORCHESTRATOR: "default",
            StackComponentType.ARTIFACT_STORE: "default",
            OPERATOR: "procs",
        },
    )
    client.activate_stack("operated")
    return client


def test_a_step_runs_in_the_step_operators_process_with_its_settings(operated: Client) -> None:
    run = pipeline_code.operated()
    result = load_artifact(run.steps["in_operator"].outputs["output"], operated)
    assert result["mark"] == "set"
    sidecars = operated.host_status().sidecars
    operator_pid = next(s.pid for s in sidecars if "procs" in s.components)
    assert result["parent"] == operator_pid


def test_a_step_killed_under_the_step_operator_fails_the_run(operated: Client) -> None:
    with pytest.raises(PipelineRunFailedError) as raised:
        pipeline_code.crashing_in_operator()
    error = raised.value.run.steps["killed_in_operator"].error
    assert "exited with code -9 without reporting" in error


def test_steps_asking_for_a_step_operator_the_stack_lacks_are_refused(operated: Client) -> None:
    with pytest.raises(ValueError, match="asks for step operator 'elsewhere', but stack"):
        pipeline_code.wrong_operator()
    operated.activate_stack("default")
    with pytest.raises(ValueError, match="asks for a step operator, but stack 'default' has none"):
        pipeline_code.operated()
    assert operated.list_runs() == []


def test_a_relative_interpreter_is_refused(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="absolute path of an executable"):
        client.register_component(OPERATOR, "bad", "local", config={"python": "python3"})
