"""`StepRunInfo` and `BaseSettings`: what a component learns of the step it serves.

Settings are per-run options of a component (an experiment tracker's experiment name, ...),
given on `@step(settings=...)` or `@pipeline(settings=...)` by component type and validated by
the component's `settings_class` in its sidecar.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

# Set in a pipeline step's process: which run and step it is.
RUN_ID_ENV = "FLAVORHOST_RUN_ID"
RUN_NAME_ENV = "FLAVORHOST_RUN_NAME"
PIPELINE_NAME_ENV = "FLAVORHOST_PIPELINE_NAME"
STEP_NAME_ENV = "FLAVORHOST_STEP_NAME"


class BaseSettings(BaseModel):
    """Base class of a flavor's settings; unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class StepRunInfo:
    """The step run a component call is made for."""

    run_id: str
    run_name: str
    pipeline: str
    step: str
    # The step's settings for this component's type (pipeline-wide ones under the step's own).
    settings: dict[str, Any] = field(default_factory=dict)


def current_step_run(what: str) -> StepRunInfo:
    """The step run this process executes (settings not included); RuntimeError outside one."""
    values = [os.environ.get(name, "") for name in (RUN_ID_ENV, RUN_NAME_ENV, PIPELINE_NAME_ENV)]
    step = os.environ.get(STEP_NAME_ENV, "")
    if not all(values) or not step:
        raise RuntimeError(
            f"{what} needs a step run: call it inside a pipeline step, or pass `info=`"
        )
    return StepRunInfo(values[0], values[1], values[2], step)
