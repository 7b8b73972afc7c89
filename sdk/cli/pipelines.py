"""`flavorhost pipeline runs ...`: the runs the host recorded."""

from __future__ import annotations

import json

import click

from flavorhost.cli.output import pairs, table, when
from flavorhost.cli.session import client


@click.group(name="pipeline", help="Inspect pipelines and their runs.")
def pipeline() -> None:
    pass


@pipeline.group(name="runs", help="Inspect pipeline runs.")
def runs() -> None:
    pass


def _duration(started: float, ended: float) -> str:
    return f"{ended - started:.1f}s" if started and ended else ""


@runs.command(name="list")
@click.option("--pipeline", "-p", "pipeline_name", default="", help="Only this pipeline's runs.")
def list_(pipeline_name: str) -> None:
    """List runs, newest first."""
    found = client().list_runs(pipeline_name)
    table(
        ["RUN", "PIPELINE", "STACK", "STATUS", "CREATED", "DURATION"],
        [
            [r.name, r.pipeline, r.stack, r.status, when(r.created), _duration(r.created, r.ended)]
            for r in found
        ],
    )


@runs.command(name="describe")
@click.argument("run")
def describe(run: str) -> None:
    """Show a run (by name or id): its steps, their artifacts and errors, and metadata."""
    found = client().get_run(run)
    pairs(
        [
            ("Run", found.name),
            ("ID", found.id),
            ("Pipeline", found.pipeline),
            ("Stack", found.stack),
            ("Status", found.status),
            ("Created", when(found.created)),
            ("Duration", _duration(found.created, found.ended) or "(running)"),
            ("Orchestrator run", found.orchestrator_run_id or "(none)"),
            *([("Error", found.error)] if found.error else []),
        ]
    )
    click.echo()
    table(
        ["STEP", "STATUS", "DURATION", "OUTPUTS"],
        [
            [
                step.name,
                step.status,
                _duration(step.started, step.ended),
                ", ".join(f"{a.name} ({a.materializer}): {a.uri}" for a in step.outputs.values()),
            ]
            for step in found.steps.values()
        ],
    )
    for step in found.steps.values():
        if step.error:
            click.echo(f"\nStep {step.name!r} failed: {step.error}")
    metadata = {"run": found.metadata} if found.metadata else {}
    metadata.update({s.name: s.metadata for s in found.steps.values() if s.metadata})
    if metadata:
        click.echo("\nMetadata:")
        click.echo(json.dumps(metadata, indent=2, sort_keys=True))
