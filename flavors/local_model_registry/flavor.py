"""Config and flavor of the `local` model registry (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import field_validator

from flavorhost.model_registries import BaseModelRegistryConfig, BaseModelRegistryFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_model_registry.model_registry import LocalModelRegistry


class LocalModelRegistryConfig(BaseModelRegistryConfig):
    """Models and versions go to `path/models.db`, a SQLite file. Without `path`, the folder is
    `$FLAVORHOST_HOME/model_registries/COMPONENT_ID` of the host's home. The models themselves
    stay where their versions' `model_source_uri` say (e.g. the artifact store)."""

    path: str | None = None

    @field_validator("path")
    @classmethod
    def _absolute(cls, path: str | None) -> str | None:
        if path is None:
            return None
        expanded = os.path.expanduser(path)
        if "://" in path or not os.path.isabs(expanded):
            raise ValueError(
                f"path {path!r} must be an absolute folder of this machine, "
                f"e.g. {os.path.abspath(expanded)!r}"
            )
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The registry's file is on this machine."""
        return True


class LocalModelRegistryFlavor(BaseModelRegistryFlavor):
    """The built-in `local` model registry flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalModelRegistryConfig]:
        """Its config class."""
        return LocalModelRegistryConfig

    @property
    def implementation_class(self) -> type[LocalModelRegistry]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_model_registry.model_registry import LocalModelRegistry

        return LocalModelRegistry
