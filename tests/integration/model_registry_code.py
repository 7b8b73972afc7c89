"""Steps and a pipeline for test_model_registry.py, at module level so step processes import
them: one step fits a model, the next registers that step's output as a model version."""

from __future__ import annotations

import os
from typing import Annotated

from flavorhost import Client, pipeline, step
from flavorhost.model_registries import ModelRegistryModelMetadata
from flavorhost.stack.step_run_info import RUN_ID_ENV
from tests.integration.pipeline_code import Model

MODEL_NAME = "slopes"


@step
def fit_slope(rows: list[list[float]]) -> Model:
    slope = sum(x * y for x, y in rows) / sum(x * x for x, _ in rows)
    return Model(slope, len(rows))


@step
def register_fitted(model: Model) -> Annotated[str, "version"]:
    """Registers the upstream step's output folder (not the value: no model crosses the wire)."""
    with Client() as client:
        artifact = client.get_run(os.environ[RUN_ID_ENV]).steps["fit_slope"].outputs["output"]
        registry = client.active_stack.model_registry
        assert registry is not None, "the stack has no model registry"
        registered = registry.register_model_version(
            MODEL_NAME,
            model_source_uri=artifact.uri,
            description=f"fitted on {model.n} rows",
            metadata=ModelRegistryModelMetadata.for_current_step(rows=model.n),
            model_format=artifact.materializer,
            model_library="statistics",
        )
        return registered.version


@pipeline
def fit_and_register() -> None:
    register_fitted(fit_slope([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]]))
