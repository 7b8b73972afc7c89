"""Runs one step of a run: `python -m flavorhost.pipelines.step_entrypoint RUN_ID STEP`.

The orchestrator starts this command (the snapshot's `command` of the step) in the pipeline's
interpreter, with FLAVORHOST_HOME and the run's stack in the environment. The step reports
itself: RUNNING, then COMPLETED with the artifacts it wrote, or FAILED with its error; it exits
0 only when it completed.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from flavorhost.client import Client, Stack
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import runs_pb2
from flavorhost.models import PipelineRunModel
from flavorhost.pipelines import function_sources, materializers
from flavorhost.pipelines.snapshot import STEP_NAME_ENV, Snapshot, StepSpec
from flavorhost.pipelines.step_decorator import Step
from flavorhost.pipelines.step_settings import settings_for
from flavorhost.stack.step_run_info import (
    PIPELINE_NAME_ENV,
    RUN_ID_ENV,
    RUN_NAME_ENV,
    StepRunInfo,
)


def _outputs(spec: StepSpec, result: Any) -> list[Any]:
    if len(spec.outputs) == 1:
        return [result]
    if not isinstance(result, tuple) or len(result) != len(spec.outputs):
        raise TypeError(
            f"step {spec.name!r} declares outputs {spec.outputs} but returned "
            f"{type(result).__name__}; return a tuple of {len(spec.outputs)} values"
        )
    return list(result)


def run_step(
    run: PipelineRunModel, snapshot: Snapshot, stack: Stack, name: str
) -> list[runs_pb2.Artifact]:
    """Runs the step and returns the artifacts it wrote (raises what the step raised)."""
    spec = snapshot.step(name)
    store = stack.artifact_store
    inputs = {}
    for argument, ref in spec.inputs.items():
        artifact = run.steps[ref.step].outputs.get(ref.output)
        if artifact is None:
            raise LookupError(f"step {ref.step!r} recorded no output {ref.output!r}")
        inputs[argument] = materializers.load(store, artifact)
    target = function_sources.load(spec.source)
    function = target.entrypoint if isinstance(target, Step) else target
    result = function(**inputs, **spec.parameters)
    artifacts = []
    for output, value in zip(spec.outputs, _outputs(spec, result), strict=True):
        folder = f"{snapshot.artifact_root}/{snapshot.run_name}/{name}/{output}"
        materializer = materializers.save(store, folder, value)
        artifacts.append(
            runs_pb2.Artifact(
                name=output,
                uri=folder,
                materializer=materializer,
                data_type=materializers.data_type(value),
            )
        )
    return artifacts


def _hooked(
    run: PipelineRunModel, snapshot: Snapshot, stack: Stack, name: str
) -> tuple[list[Any], dict[str, Any]]:
    """Runs the step between every stack component's prepare_step_run and cleanup_step_run;
    returns the artifacts and the components' step metadata by type."""
    spec = snapshot.step(name)
    os.environ.update({RUN_ID_ENV: run.id, RUN_NAME_ENV: run.name, PIPELINE_NAME_ENV: run.pipeline})
    components = stack.proxies()
    infos = {
        kind: StepRunInfo(
            run.id,
            run.name,
            run.pipeline,
            name,
            settings_for(kind, proxy.flavor, snapshot.settings, spec.settings),
        )
        for kind, proxy in components.items()
    }
    prepared = []
    failed = True
    try:
        for kind, proxy in components.items():
            proxy.prepare_step_run(infos[kind])
            prepared.append(kind)
        artifacts = run_step(run, snapshot, stack, name)
        failed = False
    finally:
        metadata = {}
        for kind in prepared:
            proxy, info = components[kind], infos[kind]
            try:
                values = proxy.get_step_run_metadata(info)
                if values:
                    metadata[kind.value] = values
            finally:
                proxy.cleanup_step_run(info, failed)
    return artifacts, metadata


INSIDE_STEP_OPERATOR = "--inside-step-operator"


def _through_step_operator(
    client: Client, run: PipelineRunModel, snapshot: Snapshot, stack: Stack, name: str
) -> int:
    """Hands the step to the stack's step operator; returns 0 if the step completed."""
    operator = stack.step_operator
    if operator is None:
        raise ValueError(f"step {name!r} asks for a step operator, but the stack has none")
    info = StepRunInfo(
        run.id,
        run.name,
        run.pipeline,
        name,
        settings_for(
            StackComponentType.STEP_OPERATOR,
            operator.flavor,
            snapshot.settings,
            snapshot.step(name).settings,
        ),
    )
    command = [*snapshot.step_command(name), INSIDE_STEP_OPERATOR]
    environment = {k: v for k, v in os.environ.items() if k.startswith("FLAVORHOST_")}
    code = operator.launch(info, command, environment)
    step = client.get_run(run.id).steps[name]
    if step.status == "completed":
        return 0
    if step.status != "failed":
        client.report_step(
            run.id,
            name,
            "failed",
            error=f"step operator {operator.name!r} ran the step, which exited with code {code} "
            "without reporting how it went",
        )
    return 1


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code."""
    inside_step_operator = INSIDE_STEP_OPERATOR in argv
    argv = [a for a in argv if a != INSIDE_STEP_OPERATOR]
    if len(argv) != 2:
        print(
            "usage: python -m flavorhost.pipelines.step_entrypoint RUN_ID STEP "
            f"[{INSIDE_STEP_OPERATOR}]",
            file=sys.stderr,
        )
        return 2
    run_id, name = argv
    os.environ[STEP_NAME_ENV] = name
    with Client(autostart=False) as client:
        run = client.report_step(run_id, name, "running")
        try:
            snapshot = Snapshot.model_validate(run.snapshot)
            stack = client.active_stack
            if snapshot.step(name).step_operator and not inside_step_operator:
                return _through_step_operator(client, run, snapshot, stack, name)
            if snapshot.working_dir and os.path.isdir(snapshot.working_dir):
                os.chdir(snapshot.working_dir)
            artifacts, metadata = _hooked(run, snapshot, stack, name)
        except BaseException as error:  # the step's own error, whatever it is, ends it
            traceback.print_exc()
            summary = traceback.format_exception_only(type(error), error)[-1].strip()
            client.report_step(run_id, name, "failed", error=summary)
            return 1
        client.report_step(run_id, name, "completed", outputs=artifacts, metadata=metadata)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
