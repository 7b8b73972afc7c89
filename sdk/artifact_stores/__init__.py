"""Artifact stores: the base abstractions every artifact store flavor builds on."""

from flavorhost.artifact_stores.base_artifact_store import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
    BaseArtifactStoreFlavor,
    FileInfo,
)

__all__ = ["BaseArtifactStore", "BaseArtifactStoreConfig", "BaseArtifactStoreFlavor", "FileInfo"]
