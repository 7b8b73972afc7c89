"""Config and flavor of the `local` annotator (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.annotators import BaseAnnotatorConfig, BaseAnnotatorFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_annotator.annotator import LocalAnnotator


class LocalAnnotatorConfig(BaseAnnotatorConfig):
    """Where the datasets live, and where `launch()` serves the labeling interface.

    Each dataset is one JSON file in `path`. The interface listens on `host`:`port` (port 0: any
    free port); it has no login, so keep `host` a loopback address unless the network is yours.
    """

    path: str
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)

    @field_validator("path")
    @classmethod
    def _absolute_local_path(cls, path: str) -> str:
        expanded = os.path.expanduser(path)
        if "://" in path or not os.path.isabs(expanded):
            raise ValueError(
                f"path {path!r} must be an absolute local directory, e.g. "
                f"{os.path.abspath(expanded)!r}"
            )
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The datasets live on this machine."""
        return True


class LocalAnnotatorFlavor(BaseAnnotatorFlavor):
    """The built-in `local` annotator flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalAnnotatorConfig]:
        """Its config class."""
        return LocalAnnotatorConfig

    @property
    def implementation_class(self) -> type[LocalAnnotator]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_annotator.annotator import LocalAnnotator

        return LocalAnnotator
