"""A small real pipeline on the stack run.py registers: load data, train, evaluate, alert.

Each step runs in its own process, started by the `local` orchestrator's sidecar; its outputs go
through the custom `file_url` artifact store; the training step logs to the `file` experiment
tracker; the last step posts the result with the `webhook` alerter and asks whether to deploy.
The model is a least-squares line from the standard library's `statistics`.
"""

from __future__ import annotations

import random
import statistics
from typing import Annotated

from flavorhost import Client, pipeline, step
from flavorhost.pipelines import load_artifact


@step
def load_data(rows: int = 200, seed: int = 7) -> Annotated[dict, "dataset"]:
    """Noisy points around y = 3x + 2, split 80/20 into train and test."""
    generator = random.Random(seed)
    xs = [generator.uniform(0, 10) for _ in range(rows)]
    points = [[x, 3 * x + 2 + generator.gauss(0, 1)] for x in xs]
    cut = int(rows * 0.8)
    return {"train": points[:cut], "test": points[cut:]}


@step(settings={"experiment_tracker": {"experiment_name": "quickstart", "tags": {"model": "ols"}}})
def train(dataset: dict) -> Annotated[dict, "model"]:
    """Fits y = slope * x + intercept, logging parameters and the training error."""
    xs, ys = zip(*dataset["train"], strict=True)
    fitted = statistics.linear_regression(xs, ys)
    model = {"slope": fitted.slope, "intercept": fitted.intercept}
    tracker = Client().active_stack.experiment_tracker
    if tracker is not None:
        tracker.log_params({"rows": len(xs), "method": "ordinary least squares"})
        train_mae = statistics.fmean(
            abs(model["slope"] * x + model["intercept"] - y) for x, y in zip(xs, ys, strict=True)
        )
        tracker.log_metrics({"train_mae": train_mae})
    return model


@step
def evaluate(dataset: dict, model: dict) -> Annotated[dict, "report"]:
    """Mean absolute error and R^2 on the test split."""
    points = dataset["test"]
    predictions = [model["slope"] * x + model["intercept"] for x, _ in points]
    actual = [y for _, y in points]
    mean = statistics.fmean(actual)
    residual = sum((p - y) ** 2 for p, y in zip(predictions, actual, strict=True))
    total = sum((y - mean) ** 2 for y in actual)
    return {
        "mae": statistics.fmean(abs(p - y) for p, y in zip(predictions, actual, strict=True)),
        "r2": 1 - residual / total,
    }


@step
def alert(report: dict, model: dict) -> Annotated[bool, "deploy"]:
    """Tells the team, and asks whether to deploy."""
    alerter = Client().active_stack.alerter
    if alerter is None:
        return False
    summary = f"y = {model['slope']:.2f}x + {model['intercept']:.2f}"
    alerter.post(f"quickstart model trained: {summary}, test R^2 {report['r2']:.3f}")
    return alerter.ask(f"deploy {summary} (test MAE {report['mae']:.2f})?")


@pipeline
def training(rows: int = 200) -> None:
    dataset = load_data(rows=rows)
    model = train(dataset)
    alert(evaluate(dataset, model), model)


if __name__ == "__main__":
    run = training()
    print(f"run {run.name}: {run.status}")
    for name, step_run in run.steps.items():
        outputs = {key: load_artifact(artifact) for key, artifact in step_run.outputs.items()}
        shown = {k: v for k, v in outputs.items() if k != "dataset"}
        print(f"  {name:<10} {step_run.status:<9} {shown or '(dataset written)'}")
    tracker = Client().active_stack.experiment_tracker
    if tracker is not None:
        logged = tracker.get_tracked(run.name, "train")
        print(f"  tracked: params {logged['params']}, metrics {logged['metrics'][0]['key']}")
