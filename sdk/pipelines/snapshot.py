"""The snapshot: a pipeline compiled for one run, as the orchestrator and the steps read it.

It is plain JSON (docs/pipelines.md documents each field), so an orchestrator in any language
can run it: each step's `command` runs the step, once its `upstream` steps completed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flavorhost.stack.step_run_info import RUN_ID_ENV, STEP_NAME_ENV

# Set in every step's environment (with RUN_ID_ENV and STEP_NAME_ENV): the stack to use.
ACTIVE_STACK_ENV = "FLAVORHOST_ACTIVE_STACK"
__all__ = ["ACTIVE_STACK_ENV", "RUN_ID_ENV", "STEP_NAME_ENV"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Strict):
    """Where a step's function is: `module` importable from `source_root`, then `attribute`."""

    module: str
    attribute: str
    source_root: str


class InputRef(_Strict):
    """A step argument that is another step's output."""

    step: str
    output: str


class StepSpec(_Strict):
    """One step invocation of the pipeline."""

    name: str
    source: SourceRef
    upstream: list[str] = Field(default_factory=list)
    inputs: dict[str, InputRef] = Field(default_factory=dict)
    # Arguments given as values: JSON-like.
    parameters: dict[str, Any] = Field(default_factory=dict)
    outputs: list[str] = Field(default_factory=lambda: ["output"])
    # By component type (e.g. "experiment_tracker"): the settings the step's calls carry.
    settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Run by the stack's step operator (true), or by the one of that name; null: not.
    step_operator: bool | str | None = None
    # The argv that runs the step; filled in once the run has its id.
    command: list[str] = Field(default_factory=list)


class Snapshot(_Strict):
    """A pipeline compiled for one run."""

    pipeline: str
    stack: str
    run_id: str = ""
    run_name: str = ""
    # The interpreter and folder the pipeline was started from: steps run with them.
    python: str
    working_dir: str
    # Where the run's artifacts go: a folder of the stack's artifact store.
    artifact_root: str
    steps: list[StepSpec]
    # By component type: pipeline-wide settings (steps' own settings win).
    settings: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def step(self, name: str) -> StepSpec:
        """A step by name."""
        for step in self.steps:
            if step.name == name:
                return step
        known = ", ".join(s.name for s in self.steps)
        raise LookupError(f"pipeline {self.pipeline!r} has no step {name!r}; its steps: {known}")

    def step_command(self, step: str) -> list[str]:
        """The argv that runs `step` of this run."""
        return [self.python, "-m", "flavorhost.pipelines.step_entrypoint", self.run_id, step]
