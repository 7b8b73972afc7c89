"""Pipeline runs, their steps and their artifacts, in the registry's SQLite file.

Steps report themselves, from whatever process the orchestrator ran them in; a run's status is
derived from its steps' here, in the same transaction as each report, so readers never see a
finished step under a run that still looks pending.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flavorhost.errors import EntityNotFoundError
from flavorhost.host.registry import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, pipeline TEXT NOT NULL, stack TEXT NOT NULL,
    status TEXT NOT NULL, created REAL NOT NULL, ended REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '', orchestrator_run_id TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}', snapshot TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS step_runs (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, name TEXT NOT NULL,
    position INTEGER NOT NULL, status TEXT NOT NULL, started REAL NOT NULL DEFAULT 0,
    ended REAL NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (run_id, name));
CREATE TABLE IF NOT EXISTS artifacts (
    run_id TEXT NOT NULL, step TEXT NOT NULL, name TEXT NOT NULL, uri TEXT NOT NULL,
    materializer TEXT NOT NULL, data_type TEXT NOT NULL,
    PRIMARY KEY (run_id, step, name),
    FOREIGN KEY (run_id, step) REFERENCES step_runs (run_id, name) ON DELETE CASCADE);
"""

PENDING, RUNNING, COMPLETED, FAILED, SKIPPED = (
    "pending",
    "running",
    "completed",
    "failed",
    "skipped",
)
ENDED = {COMPLETED, FAILED}


@dataclass(frozen=True)
class ArtifactRecord:
    """An artifact a step wrote."""

    name: str
    uri: str
    materializer: str
    data_type: str


@dataclass(frozen=True)
class StepRecord:
    """One step of a run."""

    name: str
    status: str
    started: float = 0.0
    ended: float = 0.0
    error: str = ""
    outputs: list[ArtifactRecord] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunRecord:
    """A pipeline run."""

    id: str
    name: str
    pipeline: str
    stack: str
    status: str
    created: float
    ended: float
    error: str
    orchestrator_run_id: str
    metadata: dict[str, Any]
    snapshot: dict[str, Any]
    steps: list[StepRecord]


def _merged(stored: str, new: dict[str, Any]) -> str:
    """Metadata by component name: each component's new keys over its old ones."""
    merged = json.loads(stored)
    for component, values in new.items():
        merged.setdefault(component, {}).update(values)
    return json.dumps(merged)


class RunRecords:
    """Thread-safe access to the runs tables of the registry file."""

    def __init__(self, path: Path) -> None:
        self._db = open_database(path, SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def create(self, pipeline: str, stack: str, snapshot: dict[str, Any]) -> RunRecord:
        """Records a run of `snapshot`'s steps, all pending; the snapshot gets the run's id."""
        steps = [str(step["name"]) for step in snapshot.get("steps", [])]
        if not steps:
            raise ValueError(f"pipeline {pipeline!r} has no steps; call at least one step in it")
        run_id = str(uuid.uuid4())
        now = time.time()
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y_%m_%d-%H_%M_%S_%f")
        snapshot = {**snapshot, "run_id": run_id, "run_name": f"{pipeline}-{stamp}"}
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (id, name, pipeline, stack, status, created, snapshot) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, snapshot["run_name"], pipeline, stack, PENDING, now, json.dumps(snapshot)),
            )
            db.executemany(
                "INSERT INTO step_runs (run_id, name, position, status) VALUES (?, ?, ?, ?)",
                [(run_id, name, position, PENDING) for position, name in enumerate(steps)],
            )
        return self.get(run_id)

    def report_step(
        self,
        run_id: str,
        step: str,
        status: str,
        error: str = "",
        outputs: list[ArtifactRecord] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> RunRecord:
        """Records a step's progress and derives the run's status from its steps'."""
        now = time.time()
        with self._transaction() as db:
            run = self._run_row(db, run_id)
            row = db.execute(
                "SELECT * FROM step_runs WHERE run_id = ? AND name = ?", (run["id"], step)
            ).fetchone()
            if row is None:
                names = [r["name"] for r in self._step_rows(db, run["id"])]
                raise EntityNotFoundError(
                    f"run {run['name']!r} has no step named {step!r}; its steps are: "
                    + ", ".join(names)
                )
            started = now if status == RUNNING else row["started"] or now
            ended = now if status in ENDED else 0.0
            db.execute(
                "UPDATE step_runs SET status = ?, started = ?, ended = ?, error = ?, metadata = ? "
                "WHERE run_id = ? AND name = ?",
                (
                    status,
                    started,
                    ended,
                    error,
                    _merged(row["metadata"], metadata or {}),
                    run["id"],
                    step,
                ),
            )
            for artifact in outputs or []:
                db.execute(
                    "INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        run["id"],
                        step,
                        artifact.name,
                        artifact.uri,
                        artifact.materializer,
                        artifact.data_type,
                    ),
                )
            if status == FAILED:
                self._end(db, run["id"], FAILED, f"step {step!r} failed: {error}")
            elif status == RUNNING and run["status"] == PENDING:
                db.execute("UPDATE runs SET status = ? WHERE id = ?", (RUNNING, run["id"]))
            elif all(r["status"] == COMPLETED for r in self._step_rows(db, run["id"])):
                self._end(db, run["id"], COMPLETED, "")
        return self.get(run_id)

    def update(
        self,
        run_id: str,
        orchestrator_run_id: str = "",
        metadata: dict[str, Any] | None = None,
        failure: str = "",
    ) -> RunRecord:
        """Records what the orchestrator said of a run; `failure` ends it as failed."""
        with self._transaction() as db:
            run = self._run_row(db, run_id)
            if orchestrator_run_id:
                db.execute(
                    "UPDATE runs SET orchestrator_run_id = ? WHERE id = ?",
                    (orchestrator_run_id, run["id"]),
                )
            if metadata:
                db.execute(
                    "UPDATE runs SET metadata = ? WHERE id = ?",
                    (_merged(run["metadata"], metadata), run["id"]),
                )
            if failure:
                self._end(db, run["id"], FAILED, failure)
        return self.get(run_id)

    def _end(self, db: sqlite3.Connection, run_id: str, status: str, error: str) -> None:
        """Ends a run that has not ended yet; its steps that never started are skipped."""
        db.execute(
            "UPDATE runs SET status = ?, error = ?, ended = ? "
            "WHERE id = ? AND status NOT IN (?, ?)",
            (status, error, time.time(), run_id, COMPLETED, FAILED),
        )
        if status == FAILED:
            db.execute(
                "UPDATE step_runs SET status = ? WHERE run_id = ? AND status = ?",
                (SKIPPED, run_id, PENDING),
            )

    @staticmethod
    def _run_row(db: sqlite3.Connection, run: str) -> Any:
        row = db.execute("SELECT * FROM runs WHERE id = ? OR name = ?", (run, run)).fetchone()
        if row is None:
            raise EntityNotFoundError(
                f"no pipeline run {run!r}; see `flavorhost pipeline runs list`"
            )
        return row

    @staticmethod
    def _step_rows(db: sqlite3.Connection, run_id: str) -> list[Any]:
        return db.execute(
            "SELECT * FROM step_runs WHERE run_id = ? ORDER BY position", (run_id,)
        ).fetchall()

    def get(self, run: str) -> RunRecord:
        """A run by id or name, with its steps and their artifacts."""
        with self._transaction() as db:
            row = self._run_row(db, run)
            artifacts: dict[str, list[ArtifactRecord]] = {}
            for a in db.execute("SELECT * FROM artifacts WHERE run_id = ?", (row["id"],)):
                artifacts.setdefault(a["step"], []).append(
                    ArtifactRecord(a["name"], a["uri"], a["materializer"], a["data_type"])
                )
            steps = [
                StepRecord(
                    s["name"],
                    s["status"],
                    s["started"],
                    s["ended"],
                    s["error"],
                    artifacts.get(s["name"], []),
                    json.loads(s["metadata"]),
                )
                for s in self._step_rows(db, row["id"])
            ]
            return self._to_run(row, steps)

    def list_runs(self, pipeline: str = "") -> list[RunRecord]:
        """Runs, newest first, without their steps."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT * FROM runs WHERE ? = '' OR pipeline = ? ORDER BY created DESC",
                (pipeline, pipeline),
            ).fetchall()
            return [self._to_run(row, []) for row in rows]

    @staticmethod
    def _to_run(row: Any, steps: list[StepRecord]) -> RunRecord:
        return RunRecord(
            row["id"],
            row["name"],
            row["pipeline"],
            row["stack"],
            row["status"],
            row["created"],
            row["ended"],
            row["error"],
            row["orchestrator_run_id"],
            json.loads(row["metadata"]),
            json.loads(row["snapshot"]),
            steps,
        )
