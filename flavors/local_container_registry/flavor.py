"""Config and flavor of the `local` container registry (light: no implementation imports)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from flavorhost.container_registries import (
    BaseContainerRegistryConfig,
    BaseContainerRegistryFlavor,
)

if TYPE_CHECKING:
    from flavorhost.flavors.local_container_registry.container_registry import (
        LocalContainerRegistry,
    )


class LocalContainerRegistryConfig(BaseContainerRegistryConfig):
    """A registry kept as OCI image layouts in a directory, one layout per repository.

    `push_image("URI/REPO:TAG")` takes the image named so from `images_path`, an OCI image layout
    that plays the part of docker's local image store (its index names images in full, by the
    `org.opencontainers.image.ref.name` annotation), checks every blob's digest, and copies it to
    `path/REPO/`, an OCI image layout tagged TAG that OCI tools read (`skopeo copy
    oci:PATH/REPO:TAG ...`). The URI only names the images; nothing listens on it.
    """

    path: str | None = Field(
        default=None,
        description="Directory of the pushed images; default "
        "$FLAVORHOST_HOME/container_registries/<component name>.",
    )
    images_path: str | None = Field(
        default=None,
        description="OCI image layout holding the images to push; default $FLAVORHOST_HOME/images.",
    )

    @field_validator("path", "images_path")
    @classmethod
    def _absolute(cls, path: str | None) -> str | None:
        if path is None:
            return None
        expanded = os.path.expanduser(path)
        if "://" in expanded or not os.path.isabs(expanded):
            raise ValueError(
                f"{path!r} must be an absolute directory on this machine, e.g. "
                f"{os.path.abspath(expanded.partition('://')[2] or expanded)!r}"
            )
        return os.path.normpath(expanded)

    @property
    def is_local(self) -> bool:
        """The images stay on this machine."""
        return True

    @property
    def is_remote(self) -> bool:
        """The images stay on this machine."""
        return False


class LocalContainerRegistryFlavor(BaseContainerRegistryFlavor):
    """The built-in `local` container registry flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalContainerRegistryConfig]:
        """Its config class."""
        return LocalContainerRegistryConfig

    @property
    def implementation_class(self) -> type[LocalContainerRegistry]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_container_registry.container_registry import (
            LocalContainerRegistry,
        )

        return LocalContainerRegistry
