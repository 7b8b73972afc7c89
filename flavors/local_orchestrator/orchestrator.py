"""The `local` orchestrator's implementation: a background thread per run, a process per step.

The step processes report themselves to the host. This orchestrator reports only what they
could not: a step process that ended badly without saying so (killed, or crashed before it
could report), or that overran its timeout.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

from flavorhost.flavors.local_orchestrator.flavor import LocalOrchestratorConfig
from flavorhost.home import HOME_ENV, logs_dir
from flavorhost.orchestrators import BaseOrchestrator, SubmissionResult
from flavorhost.orchestrators.base_orchestrator import steps_in_order

logger = logging.getLogger(__name__)
LOG_TAIL_BYTES = 2000


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
            return log.read().decode(errors="replace").strip()
    except OSError:
        return ""


class LocalOrchestrator(BaseOrchestrator):
    """Runs steps in order as child processes of its sidecar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._statuses: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def config(self) -> LocalOrchestratorConfig:
        """The orchestrator's config."""
        config = self._config
        assert isinstance(config, LocalOrchestratorConfig)
        return config

    def submit_pipeline(
        self,
        snapshot: dict[str, Any],
        base_environment: dict[str, str],
        step_environments: dict[str, dict[str, str]],
    ) -> SubmissionResult:
        """Starts the run in the background; returns at once."""
        steps = steps_in_order(snapshot)
        for step in steps:
            if not step.get("command"):
                raise ValueError(f"step {step['name']!r} of the snapshot has no command")
        run_id = str(snapshot.get("run_id") or uuid.uuid4())
        home = base_environment.get(HOME_ENV) or os.environ.get(HOME_ENV, "")
        if not home:
            raise ValueError(f"base_environment must set {HOME_ENV}: the steps report to that host")
        log_folder = logs_dir(Path(home)) / "runs" / str(snapshot.get("run_name") or run_id)
        log_folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._statuses[run_id] = "running"
        thread = threading.Thread(
            target=self._run,
            args=(run_id, steps, snapshot, base_environment, step_environments, log_folder),
            name=f"run-{run_id}",
            daemon=True,
        )
        thread.start()
        return SubmissionResult(f"local-{run_id}", {"step_logs": str(log_folder)})

    def fetch_status(self, run_id: str) -> str:
        """What became of a run this sidecar started ('' if it started none by that id)."""
        with self._lock:
            return self._statuses.get(run_id, "")

    def _run(
        self,
        run_id: str,
        steps: list[dict[str, Any]],
        snapshot: dict[str, Any],
        base_environment: dict[str, str],
        step_environments: dict[str, dict[str, str]],
        log_folder: Path,
    ) -> None:
        status = "completed"
        try:
            for step in steps:
                environment = {
                    **os.environ,
                    **base_environment,
                    **step_environments.get(step["name"], {}),
                }
                if not self._run_step(run_id, step, snapshot, environment, log_folder):
                    status = "failed"
                    break
        except Exception:
            logger.exception("run %s failed in the orchestrator", run_id)
            status = "failed"
        finally:
            with self._lock:
                self._statuses[run_id] = status

    def _run_step(
        self,
        run_id: str,
        step: dict[str, Any],
        snapshot: dict[str, Any],
        environment: dict[str, str],
        log_folder: Path,
    ) -> bool:
        """Runs one step's command; False if it did not complete."""
        log_path = log_folder / f"{step['name']}.log"
        timeout = self.config.step_timeout_seconds or None
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                step["command"],
                cwd=snapshot.get("working_dir") or None,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                self._report_failure(
                    environment,
                    run_id,
                    step["name"],
                    f"the step ran over step_timeout_seconds ({timeout:g}s) and was killed",
                )
                return False
        if code == 0:
            return True
        self._report_failure(
            environment,
            run_id,
            step["name"],
            f"the step's process exited with code {code}; its log {log_path} ends with:\n"
            f"{_tail(log_path)}",
        )
        return False

    @staticmethod
    def _report_failure(environment: dict[str, str], run_id: str, step: str, why: str) -> None:
        """Records a step's failure unless the step already reported it."""
        from flavorhost.client import Client

        with Client(Path(environment[HOME_ENV]), autostart=False) as client:
            recorded = client.get_run(run_id).steps.get(step)
            if recorded is not None and recorded.status == "failed":
                return
            client.report_step(run_id, step, "failed", error=why)
