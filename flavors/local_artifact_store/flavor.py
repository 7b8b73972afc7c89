"""Config and flavor of the `local` artifact store (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar

from pydantic import field_validator

from flavorhost.artifact_stores import BaseArtifactStoreConfig, BaseArtifactStoreFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_artifact_store.artifact_store import LocalArtifactStore


class LocalArtifactStoreConfig(BaseArtifactStoreConfig):
    """A directory on this machine; every path the store serves must stay inside it."""

    # Local paths have no scheme; paths with one (s3://...) are refused by the validator below.
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {""}

    @field_validator("path")
    @classmethod
    def _absolute_local_path(cls, path: str) -> str:
        if "://" in path:
            raise ValueError(
                f"the local artifact store takes a local directory, not {path!r}; "
                "use a flavor that supports that scheme (for example s3)"
            )
        expanded = os.path.expanduser(path)
        if not os.path.isabs(expanded):
            raise ValueError(
                f"path {path!r} must be absolute (the store's process does not run where you "
                f"do), e.g. {os.path.join('/data', expanded)!r}"
            )
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The files live on this machine."""
        return True


class LocalArtifactStoreFlavor(BaseArtifactStoreFlavor):
    """The built-in `local` artifact store flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalArtifactStoreConfig]:
        """Its config class."""
        return LocalArtifactStoreConfig

    @property
    def implementation_class(self) -> type[LocalArtifactStore]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_artifact_store.artifact_store import LocalArtifactStore

        return LocalArtifactStore
