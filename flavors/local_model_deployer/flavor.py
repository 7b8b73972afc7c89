"""Config and flavor of the `local` model deployer (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.model_deployers import BaseModelDeployerConfig, BaseModelDeployerFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_model_deployer.model_deployer import LocalModelDeployer


def _absolute(path: str) -> str:
    expanded = os.path.expanduser(path)
    if "://" in expanded or not os.path.isabs(expanded):
        raise ValueError(f"{path!r} must be an absolute directory on this machine")
    return os.path.normpath(expanded)


class LocalModelDeployerConfig(BaseModelDeployerConfig):
    """Serves each model from a process of its own on 127.0.0.1, with an HTTP predict endpoint.

    A model is either `json`, an object `{"coef": [w1, ..., wn], "intercept": b}` (a linear
    model: each instance, a list of n numbers, is predicted as w·x + b; "intercept" defaults to
    0), or `pickle`, a pickled Python object with a `predict(instances)` method returning a list
    (or anything with `tolist()`). A pickled model's class must be importable by the server
    process: it runs with the sidecar's interpreter, with `python_path` added to its import path.
    The server answers `POST /predict` with `{"instances": [...]}` by `{"predictions": [...]}`,
    and `GET /health`. Each service keeps its config and model in `path/UUID/`, so stopped
    services are listed, and started again, after the sidecar restarts; its servers never
    outlive the sidecar.
    """

    path: str | None = Field(
        default=None,
        description="Directory of the services; default "
        "$FLAVORHOST_HOME/model_deployers/<component id>.",
    )
    python_path: list[str] = Field(
        default_factory=list,
        description="Directories added to the model servers' import path (for pickled models).",
    )

    @field_validator("path")
    @classmethod
    def _path(cls, path: str | None) -> str | None:
        return None if path is None else _absolute(path)

    @field_validator("python_path")
    @classmethod
    def _python_path(cls, paths: list[str]) -> list[str]:
        return [_absolute(p) for p in paths]

    @property
    def is_local(self) -> bool:
        """The servers run on this machine."""
        return True


class LocalModelDeployerFlavor(BaseModelDeployerFlavor):
    """The built-in `local` model deployer flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalModelDeployerConfig]:
        """Its config class."""
        return LocalModelDeployerConfig

    @property
    def implementation_class(self) -> type[LocalModelDeployer]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_model_deployer.model_deployer import LocalModelDeployer

        return LocalModelDeployer
