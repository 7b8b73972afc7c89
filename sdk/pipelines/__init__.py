"""Pipelines: `@step`, `@pipeline`, and reading back what their runs wrote."""

from __future__ import annotations

from typing import Any

from flavorhost.models import ArtifactModel
from flavorhost.pipelines.pipeline_decorator import Pipeline, PipelineRunFailedError, pipeline
from flavorhost.pipelines.step_decorator import Step, step


def load_artifact(artifact: ArtifactModel, client: Any = None) -> Any:
    """The value a step wrote, read back through the active stack's artifact store proxy."""
    from flavorhost.client import Client
    from flavorhost.pipelines import materializers

    if client is None:
        with Client() as owned:
            return materializers.load(owned.active_stack.artifact_store, artifact)
    return materializers.load(client.active_stack.artifact_store, artifact)


__all__ = ["Pipeline", "PipelineRunFailedError", "Step", "load_artifact", "pipeline", "step"]
