"""Enumerations shared by flavors, the host and the CLI."""

from __future__ import annotations

from enum import StrEnum


class StackComponentType(StrEnum):
    """The types of stack component, as in ZenML's guide, plus its model registry (values are
    ZenML's)."""

    ORCHESTRATOR = "orchestrator"
    ARTIFACT_STORE = "artifact_store"
    CONTAINER_REGISTRY = "container_registry"
    STEP_OPERATOR = "step_operator"
    MODEL_DEPLOYER = "model_deployer"
    FEATURE_STORE = "feature_store"
    EXPERIMENT_TRACKER = "experiment_tracker"
    ALERTER = "alerter"
    ANNOTATOR = "annotator"
    DATA_VALIDATOR = "data_validator"
    MODEL_REGISTRY = "model_registry"

    def __str__(self) -> str:
        return self.value

    @property
    def cli_name(self) -> str:
        """The CLI group's name, e.g. `artifact-store`."""
        return self.value.replace("_", "-")

    @property
    def plural(self) -> str:
        """The plural, e.g. `artifact_stores`."""
        return f"{self.value}s"
