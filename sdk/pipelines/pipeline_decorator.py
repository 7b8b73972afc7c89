"""`@pipeline`: a function that calls steps; calling it runs them on the active stack.

The call compiles the function into a snapshot (which step runs with which inputs), records a
run with the host, hands the snapshot to the stack's orchestrator and follows the run in the
host's registry until it ends. Each step runs in its own process, which reaches every component
through the host.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any, overload

from flavorhost.errors import FlavorhostError
from flavorhost.home import HOME_ENV
from flavorhost.models import PipelineRunModel
from flavorhost.pipelines.snapshot import ACTIVE_STACK_ENV, RUN_ID_ENV, STEP_NAME_ENV, Snapshot
from flavorhost.pipelines.step_decorator import Compilation, checked_settings, compiling
from flavorhost.pipelines.step_settings import settings_for, types_named

# How often a waiting caller reads the run, and asks the orchestrator whether it still runs it.
POLL_SECONDS = 0.1
ORCHESTRATOR_CHECK_SECONDS = 2.0
ENDED = ("completed", "failed")


class PipelineRunFailedError(FlavorhostError):
    """A pipeline run failed; `run` is the run as recorded (see its steps' errors)."""

    def __init__(self, run: PipelineRunModel) -> None:
        super().__init__(f"pipeline run {run.name!r} failed: {run.error}")
        self.run = run


class Pipeline:
    """A pipeline: a function whose step calls make the graph."""

    def __init__(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        settings: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.function = function
        self.name = name or function.__name__
        self.settings = checked_settings(settings, f"pipeline {self.name!r}")
        self.__doc__ = function.__doc__

    def __repr__(self) -> str:
        return f"Pipeline({self.name!r})"

    def compile(self, *args: Any, **kwargs: Any) -> Compilation:
        """Runs the function to record its step invocations."""
        if os.environ.get(STEP_NAME_ENV):
            raise RuntimeError(
                f"pipeline {self.name!r} was called while step "
                f"{os.environ[STEP_NAME_ENV]!r} imported its module; call pipelines under "
                "`if __name__ == '__main__':` so that importing the module does not run them"
            )
        compilation = Compilation()
        token = compiling.set(compilation)
        try:
            self.function(*args, **kwargs)
        finally:
            compiling.reset(token)
        if not compilation.steps:
            raise ValueError(f"pipeline {self.name!r} calls no step")
        return compilation

    def __call__(self, *args: Any, **kwargs: Any) -> PipelineRunModel:
        """Runs the pipeline on the active stack; returns the run once it completed, or raises
        PipelineRunFailedError."""
        from flavorhost.client import Client

        compilation = self.compile(*args, **kwargs)
        with Client() as client:
            stack = client.active_stack
            orchestrator = stack.orchestrator
            if orchestrator is None:
                raise ValueError(
                    f"stack {stack.name!r} has no orchestrator, so it cannot run pipelines; "
                    "register a stack with one (`flavorhost stack register NAME -a STORE "
                    "-o default`) and set it active"
                )
            _check_step_operators(stack, compilation)
            _validate_settings(stack, self.settings, compilation)
            snapshot = Snapshot(
                pipeline=self.name,
                stack=stack.name,
                python=sys.executable,
                working_dir=os.getcwd(),
                artifact_root=f"{stack.artifact_store.path}/pipelines/{self.name}",
                steps=compilation.steps,
                settings=self.settings,
            )
            run = client.create_run(self.name, stack.name, snapshot.model_dump())
            snapshot = Snapshot.model_validate(run.snapshot)
            for step in snapshot.steps:
                step.command = snapshot.step_command(step.name)
            environment = {HOME_ENV: str(client.home), ACTIVE_STACK_ENV: stack.name}
            environment[RUN_ID_ENV] = run.id
            per_step = {step.name: {STEP_NAME_ENV: step.name} for step in snapshot.steps}
            try:
                result = orchestrator.submit_pipeline(snapshot.model_dump(), environment, per_step)
            except Exception as error:
                client.update_run(run.id, failure=f"the orchestrator did not take the run: {error}")
                raise
            metadata = {}
            if result is not None and result.metadata:
                metadata["orchestrator"] = result.metadata
            for kind, proxy in stack.proxies().items():
                values = proxy.get_pipeline_run_metadata(run.id)
                if values:
                    metadata.setdefault(kind.value, {}).update(values)
            client.update_run(run.id, result.orchestrator_run_id if result else "", metadata)
            run = _follow(client, run.id, orchestrator)
        if run.status != "completed":
            raise PipelineRunFailedError(run)
        return run


def _validate_settings(
    stack: Any, pipeline_settings: dict[str, dict[str, Any]], compilation: Compilation
) -> None:
    """Checks every step's settings with the components they are for, before anything runs."""
    components = stack.proxies()
    steps = compilation.steps
    for kind in sorted(types_named(pipeline_settings, *(s.settings for s in steps))):
        proxy = components.get(kind)
        if proxy is None:
            raise ValueError(
                f"settings are given for the {kind.value.replace('_', ' ')}, but stack "
                f"{stack.name!r} has none; add one to the stack or remove those settings"
            )
        for step in steps:
            settings = settings_for(kind, proxy.flavor, pipeline_settings, step.settings)
            try:
                proxy.validate_settings(settings)
            except ValueError as error:
                raise ValueError(f"step {step.name!r}: {error}") from None


def _check_step_operators(stack: Any, compilation: Compilation) -> None:
    """Steps that ask for a step operator need the stack's (by name, if they name one)."""
    operator = stack.step_operator
    for step in compilation.steps:
        wanted = step.step_operator
        if not wanted:
            continue
        if operator is None:
            raise ValueError(
                f"step {step.name!r} asks for a step operator, but stack {stack.name!r} has none; "
                "add one (`flavorhost stack register ... -s NAME`)"
            )
        if isinstance(wanted, str) and wanted != operator.name:
            raise ValueError(
                f"step {step.name!r} asks for step operator {wanted!r}, but stack "
                f"{stack.name!r} has {operator.name!r}"
            )


def _follow(client: Any, run_id: str, orchestrator: Any) -> PipelineRunModel:
    """Waits for a run to end, as long as its orchestrator still runs it."""
    checked = time.monotonic()
    while True:
        run: PipelineRunModel = client.get_run(run_id)
        if run.status in ENDED:
            return run
        time.sleep(POLL_SECONDS)
        if time.monotonic() - checked < ORCHESTRATOR_CHECK_SECONDS:
            continue
        checked = time.monotonic()
        known = orchestrator.fetch_status(run_id)
        if known in ("running", "pending"):
            continue
        run = client.get_run(run_id)  # the last step's report may have landed meanwhile
        if run.status in ENDED:
            return run
        why = "no longer knows the run (its sidecar restarted?)" if not known else f"says {known}"
        failure = f"orchestrator {orchestrator.name!r} {why}, but the run never ended"
        ended: PipelineRunModel = client.update_run(run_id, failure=failure)
        return ended


@overload
def pipeline(function: Callable[..., Any], /) -> Pipeline: ...


@overload
def pipeline(
    *, name: str | None = None, settings: dict[str, dict[str, Any]] | None = None
) -> Callable[[Callable[..., Any]], Pipeline]: ...


def pipeline(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    settings: dict[str, dict[str, Any]] | None = None,
) -> Any:
    """Makes a function a pipeline: `@pipeline` or `@pipeline(name=..., settings={...})`."""
    if function is not None:
        return Pipeline(function)
    return lambda decorated: Pipeline(decorated, name=name, settings=settings)
