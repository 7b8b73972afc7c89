"""Compiling pipelines: step outputs from annotations, step order, the snapshot's shape."""

from __future__ import annotations

from typing import Annotated

import pytest

from flavorhost.orchestrators.base_orchestrator import steps_in_order
from flavorhost.pipelines.step_decorator import output_names
from tests.integration import pipeline_code


def test_outputs_are_named_by_annotations() -> None:
    def single() -> int:
        return 1

    def named() -> Annotated[int, "count"]:
        return 1

    def several() -> tuple[Annotated[int, "a"], Annotated[str, "b"]]:
        return 1, "x"

    def unnamed_tuple() -> tuple[int, str]:
        return 1, "x"

    assert output_names(single) == ["output"]
    assert output_names(named) == ["count"]
    assert output_names(several) == ["a", "b"]
    assert output_names(unnamed_tuple) == ["output"]


def test_the_compiled_graph_links_outputs_to_inputs() -> None:
    steps = {s.name: s for s in pipeline_code.training.compile(scale=3.0).steps}
    assert list(steps) == ["load_rows", "split", "fit", "evaluate"]
    assert steps["fit"].inputs["rows"].model_dump() == {"step": "split", "output": "train"}
    assert steps["fit"].parameters == {"scale": 3.0}
    assert steps["evaluate"].upstream == ["fit", "split"]
    assert steps["fit"].source.module == "tests.integration.pipeline_code"
    assert steps["fit"].source.attribute == "fit"


def test_steps_run_after_their_upstream_steps_and_cycles_are_refused() -> None:
    snapshot = {
        "steps": [
            {"name": "c", "upstream": ["b"]},
            {"name": "b", "upstream": ["a"]},
            {"name": "a", "upstream": []},
        ]
    }
    assert [s["name"] for s in steps_in_order(snapshot)] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="cycle"):
        steps_in_order(
            {"steps": [{"name": "a", "upstream": ["b"]}, {"name": "b", "upstream": ["a"]}]}
        )


def test_a_step_called_twice_gets_a_second_name() -> None:
    @pipeline_code.pipeline
    def twice() -> None:
        rows = pipeline_code.load_rows()
        pipeline_code.fit(rows)
        pipeline_code.fit(rows)

    assert [s.name for s in twice.compile().steps] == ["load_rows", "fit", "fit_2"]
