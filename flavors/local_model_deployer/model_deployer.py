"""The `local` model deployer's implementation: one server process per service, on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from flavorhost.flavors.local_model_deployer.flavor import LocalModelDeployerConfig
from flavorhost.flavors.local_model_deployer.model_server import linear_model
from flavorhost.flavors.local_model_deployer.server_process import ServerProcess, log_tail
from flavorhost.home import flavorhost_home
from flavorhost.model_deployers import (
    BaseModelDeployer,
    ModelArtifact,
    ModelService,
    ModelServiceConfig,
    ServiceState,
    ServiceStatus,
)

logger = logging.getLogger(__name__)

MODEL_FILES = {"json": "model.json", "pickle": "model.pkl"}
RECORD = "service.json"
LOG = "server.log"
# How long to wait for a server's port when the caller asked not to wait (timeout 0): a server
# reports its port before it could be called, so a URL always comes back.
STARTUP_SECONDS_WHEN_NOT_WAITING = 60.0


class LocalModelDeployer(BaseModelDeployer):
    """Keeps each service in `root/UUID/` (record, model, log) and runs its server process."""

    MODEL_FORMATS = frozenset(MODEL_FILES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._processes: dict[UUID, ServerProcess] = {}
        self._lock = threading.RLock()

    @property
    def config(self) -> LocalModelDeployerConfig:
        """The deployer's config."""
        config = self._config
        assert isinstance(config, LocalModelDeployerConfig)
        return config

    @property
    def root(self) -> Path:
        """The directory of the services."""
        if self.config.path is not None:
            return Path(self.config.path)
        return flavorhost_home() / "model_deployers" / str(self.id)

    def _deploy(
        self, uuid: UUID, config: ModelServiceConfig, model: ModelArtifact, timeout: float
    ) -> ModelService:
        if model.format == "json":
            try:
                linear_model(json.loads(model.content))
            except UnicodeDecodeError as error:
                raise ValueError(f"the json model is not UTF-8 text: {error}") from None
        folder = self.root / str(uuid)
        with self._lock:
            folder.mkdir(parents=True, exist_ok=False)
            (folder / MODEL_FILES[model.format]).write_bytes(model.content)
            record = {
                "uuid": str(uuid),
                "config": config.model_dump(mode="json"),
                "format": model.format,
                "created": time.time(),
                "admin_state": ServiceState.ACTIVE.value,
            }
            self._write(uuid, record)
            try:
                self._launch(uuid, record, timeout)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            logger.info("deployed %s (%s model) on port %s", uuid, model.format, self._port(uuid))
            return self._service(record)

    def _list(self) -> list[ModelService]:
        with self._lock:
            records = []
            if self.root.is_dir():
                for entry in self.root.iterdir():
                    record = self._read(entry / RECORD)
                    if record is not None:
                        records.append(record)
            records.sort(key=lambda r: r["created"], reverse=True)
            return [self._service(r) for r in records]

    def _start(self, uuid: UUID, timeout: float) -> None:
        with self._lock:
            record = self._record(uuid)
            process = self._processes.get(uuid)
            if process is not None and process.exit_code() is None:
                return
            record["admin_state"] = ServiceState.ACTIVE.value
            self._write(uuid, record)
            self._launch(uuid, record, timeout)

    def _stop(self, uuid: UUID, timeout: float, force: bool) -> None:
        with self._lock:
            record = self._record(uuid)
            record["admin_state"] = ServiceState.INACTIVE.value
            self._write(uuid, record)
            process = self._processes.pop(uuid, None)
        if process is not None:
            process.stop(timeout, force)

    def _delete(self, uuid: UUID, timeout: float, force: bool) -> None:
        self._stop(uuid, timeout, force)
        with self._lock:
            shutil.rmtree(self.root / str(uuid), ignore_errors=True)

    def get_model_server_info(self, service: ModelService) -> dict[str, str | None]:
        """The base's properties, plus the service's folder, log and server pid."""
        info = super().get_model_server_info(service)
        folder = self.root / str(service.uuid)
        process = self._processes.get(service.uuid)
        info["SERVICE_PATH"] = str(folder)
        info["LOG_FILE"] = str(folder / LOG)
        info["PID"] = str(process.pid) if process and process.exit_code() is None else None
        return info

    def cleanup(self) -> None:
        """Stops every server (the sidecar forgets this component or stops); their records stay,
        so they are listed as stopped and can be started again."""
        with self._lock:
            processes, self._processes = list(self._processes.values()), {}
        for process in processes:
            process.stop(0)

    def _launch(self, uuid: UUID, record: dict[str, Any], timeout: float) -> None:
        folder = self.root / str(uuid)
        process = ServerProcess(
            folder / MODEL_FILES[record["format"]],
            record["format"],
            folder / LOG,
            self.config.python_path,
        )
        try:
            process.wait_for_port(timeout if timeout > 0 else STARTUP_SECONDS_WHEN_NOT_WAITING)
        except BaseException:
            process.stop(0, force=True)
            raise
        self._processes[uuid] = process

    def _port(self, uuid: UUID) -> int:
        process = self._processes.get(uuid)
        return process.port if process else 0

    def _service(self, record: dict[str, Any]) -> ModelService:
        uuid = UUID(record["uuid"])
        process = self._processes.get(uuid)
        url, error = "", ""
        if record["admin_state"] == ServiceState.INACTIVE.value:
            state = ServiceState.INACTIVE
        elif process is not None and process.exit_code() is None:
            state, url = ServiceState.ACTIVE, f"http://127.0.0.1:{process.port}/predict"
        elif process is not None:
            state = ServiceState.ERROR
            error = (
                f"the model server exited with code {process.exit_code()}: "
                f"{log_tail(process.log) or '(empty log)'}"
            )
        else:
            state = ServiceState.INACTIVE
            error = (
                "the model server stopped with the deployer's sidecar; "
                f"start_model_server('{uuid}') starts it again"
            )
        return ModelService(
            uuid=uuid,
            config=self.SERVICE_CONFIG_CLASS.model_validate(record["config"]),
            status=ServiceStatus(state=state, last_error=error),
            prediction_url=url,
        )

    def _record(self, uuid: UUID) -> dict[str, Any]:
        record = self._read(self.root / str(uuid) / RECORD)
        if record is None:
            raise FileNotFoundError(f"model server {uuid} has no record in {self.root}")
        return record

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return record

    def _write(self, uuid: UUID, record: dict[str, Any]) -> None:
        path = self.root / str(uuid) / RECORD
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record))
        temporary.replace(path)
