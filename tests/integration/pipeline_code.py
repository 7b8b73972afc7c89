"""Steps and pipelines for test_pipelines.py, at module level so step processes import them."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from typing import Annotated

from flavorhost import Client, pipeline, step


@dataclass
class Model:
    """A value JSON cannot keep: written with pickle."""

    slope: float
    n: int


@step
def load_rows() -> Annotated[list[list[float]], "rows"]:
    return [[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]]


@step
def split(rows: list[list[float]]) -> tuple[Annotated[list, "train"], Annotated[list, "test"]]:
    return rows[:2], rows[2:]


@step
def fit(rows: list[list[float]], scale: float = 1.0) -> Model:
    slope = sum(x * y for x, y in rows) / sum(x * x for x, _ in rows)
    return Model(slope * scale, len(rows))


@step
def evaluate(model: Model, rows: list[list[float]]) -> dict:
    error = sum(abs(model.slope * x - y) for x, y in rows) / len(rows)
    # Inside a step, the run's stack and its components are at hand.
    store = Client().active_stack.artifact_store
    return {"error": error, "store": store.name}


@pipeline
def training(scale: float = 1.0) -> None:
    train, test = split(load_rows())
    evaluate(fit(train, scale=scale), test)


@step
def explode(model: Model) -> Model:
    raise ValueError(f"cannot deploy a model fitted on {model.n} rows")


@step
def never_runs(model: Model) -> int:
    return model.n


@pipeline
def failing() -> None:
    never_runs(explode(fit(load_rows())))


@step
def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pipeline
def crashing() -> None:
    killed()


@step(settings={"experiment_tracker": {"experiment_name": "fits", "tags": {"team": "ml"}}})
def tracked_fit(rows: list[list[float]]) -> Model:
    tracker = Client().active_stack.experiment_tracker
    assert tracker is not None
    tracker.log_params({"rows": len(rows)})
    for epoch in range(3):
        tracker.log_metrics({"loss": 1.0 / (epoch + 1)}, step=epoch)
    tracker.set_tags({"fitted": "yes"})
    return fit.entrypoint(rows)


@pipeline(settings={"experiment_tracker": {"tags": {"pipeline": "tracked"}}})
def tracked() -> None:
    tracked_fit(load_rows())
    evaluate(fit(load_rows()), load_rows())


@pipeline(settings={"experiment_tracker": {"experiment": "typo"}})
def badly_set() -> None:
    fit(load_rows())


@step(step_operator=True, settings={"step_operator": {"environment": {"FH_TEST_MARK": "set"}}})
def in_operator() -> dict:
    return {"mark": os.environ.get("FH_TEST_MARK", ""), "parent": os.getppid()}


@pipeline
def operated() -> None:
    in_operator()


@step(step_operator="elsewhere")
def elsewhere() -> int:
    return 1


@pipeline
def wrong_operator() -> None:
    elsewhere()


@step(step_operator=True)
def killed_in_operator() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pipeline
def crashing_in_operator() -> None:
    killed_in_operator()
