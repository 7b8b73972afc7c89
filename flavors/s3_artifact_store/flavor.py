"""Config and flavor of the `s3` artifact store (light: s3fs is imported only by the sidecar)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from flavorhost.artifact_stores import BaseArtifactStoreConfig, BaseArtifactStoreFlavor
from flavorhost.secrets import SecretField

if TYPE_CHECKING:
    from flavorhost.flavors.s3_artifact_store.artifact_store import S3ArtifactStore


class S3ArtifactStoreConfig(BaseArtifactStoreConfig):
    """An S3 bucket (and prefix) with s3fs's connection options, as in the guide."""

    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"s3://"}

    key: str | None = SecretField(default=None)
    secret: str | None = SecretField(default=None)
    token: str | None = SecretField(default=None)
    client_kwargs: dict[str, Any] | None = None
    config_kwargs: dict[str, Any] | None = None
    s3_additional_kwargs: dict[str, Any] | None = None

    @property
    def is_remote(self) -> bool:
        """Objects live in S3."""
        return True


class S3ArtifactStoreFlavor(BaseArtifactStoreFlavor):
    """The built-in `s3` artifact store flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "s3"

    @property
    def requirements(self) -> list[str]:
        """s3fs, in the flavor's own environment."""
        return ["s3fs>=2023.1"]

    @property
    def config_class(self) -> type[S3ArtifactStoreConfig]:
        """Its config class."""
        return S3ArtifactStoreConfig

    @property
    def implementation_class(self) -> type[S3ArtifactStore]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.s3_artifact_store.artifact_store import S3ArtifactStore

        return S3ArtifactStore
