"""The `local` step operator's implementation: one child process per step."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, ClassVar

from flavorhost.flavors.local_step_operator.flavor import (
    LocalStepOperatorConfig,
    LocalStepOperatorSettings,
)
from flavorhost.home import HOME_ENV, logs_dir
from flavorhost.stack.step_run_info import BaseSettings, StepRunInfo
from flavorhost.step_operators import BaseStepOperator


class LocalStepOperator(BaseStepOperator):
    """Runs each step's command as a process, its output in a log file of the run."""

    settings_class: ClassVar[type[BaseSettings] | None] = LocalStepOperatorSettings

    @property
    def config(self) -> LocalStepOperatorConfig:
        """The step operator's config."""
        config = self._config
        assert isinstance(config, LocalStepOperatorConfig)
        return config

    def _log_path(self, info: StepRunInfo, environment: dict[str, str]) -> Path:
        home = Path(environment.get(HOME_ENV) or os.environ[HOME_ENV])
        return logs_dir(home) / "runs" / info.run_name / f"{info.step}.step-operator.log"

    def launch(
        self, info: StepRunInfo, entrypoint_command: list[str], environment: dict[str, str]
    ) -> int:
        """Runs the command and waits for it."""
        settings = self.get_settings(info)
        assert isinstance(settings, LocalStepOperatorSettings)
        command = list(entrypoint_command)
        if self.config.python:
            command[0] = self.config.python
        variables: dict[str, Any] = {
            **os.environ,
            **environment,
            **self.config.environment,
            **settings.environment,
        }
        log_path = self._log_path(info, environment)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            return subprocess.run(
                command,
                env=variables,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            ).returncode
