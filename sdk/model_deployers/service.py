"""What a model server is to its caller: `ModelService`, its config, state and predict().

The same plain models on both sides of the wire: a flavor's implementation returns them in its
sidecar, and the SDK rebuilds them from `ModelService` messages. Nothing here holds a process;
`predict` posts JSON to the service's `prediction_url`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

DEFAULT_PREDICT_TIMEOUT_SECONDS = 60.0


class ServiceState(StrEnum):
    """A model server's operational state (ZenML's values)."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING_STARTUP = "pending_startup"
    PENDING_SHUTDOWN = "pending_shutdown"
    ERROR = "error"


class ModelServiceConfig(BaseModel):
    """How a model was deployed: ZenML's ServiceConfig fields, plus where the model came from.

    `model_uri` is the model's artifact folder in the stack's artifact store (a step output,
    holding `data.json` or `data.pkl`), or a file in it. Flavors may subclass it with fields of
    their own; unknown fields are errors.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str = ""
    pipeline_name: str = ""
    run_name: str = ""
    pipeline_step_name: str = ""
    model_name: str = ""
    model_version: str = ""
    model_uri: str = ""


@dataclass(frozen=True)
class ModelArtifact:
    """A model's content, as it crosses to the sidecar: the bytes of `data.json` (format
    `json`) or `data.pkl` (format `pickle`), and where they were read from."""

    format: str
    content: bytes
    uri: str = ""


class ServiceStatus(BaseModel):
    """The operational state, and why it is not the one wanted (empty when it is)."""

    model_config = ConfigDict(frozen=True)

    state: ServiceState
    last_error: str = ""


class ModelService(BaseModel):
    """A model server: its identity, config, status and prediction URL."""

    uuid: UUID
    config: ModelServiceConfig
    status: ServiceStatus
    # Empty unless the server is serving.
    prediction_url: str = ""

    @property
    def is_running(self) -> bool:
        """Whether the server was serving when this object was made."""
        return self.status.state == ServiceState.ACTIVE

    @property
    def is_stopped(self) -> bool:
        """Whether the server was stopped when this object was made."""
        return self.status.state == ServiceState.INACTIVE

    @property
    def is_failed(self) -> bool:
        """Whether the server should serve but does not."""
        return self.status.state == ServiceState.ERROR

    def predict(self, data: Any, timeout: float = DEFAULT_PREDICT_TIMEOUT_SECONDS) -> Any:
        """Posts `{"instances": data}` to the prediction URL and returns its `predictions`.

        `data` must be JSON-like (e.g. a list of rows of numbers). A request the server refuses
        raises ValueError with the server's reason.
        """
        if not self.prediction_url:
            raise ValueError(
                f"model server {self.uuid} is not serving (state {self.status.state.value}"
                f"{': ' + self.status.last_error if self.status.last_error else ''}); start it "
                "with start_model_server(uuid), then find it again with find_model_server"
            )
        body = json.dumps({"instances": data}).encode()
        request = urllib.request.Request(
            self.prediction_url,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            reason = _error_text(error)
            raise ValueError(f"model server {self.uuid} refused the request: {reason}") from None
        return answer["predictions"]


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read())["error"])
    except (ValueError, KeyError, TypeError, OSError):
        return f"HTTP {error.code} {error.reason}"
