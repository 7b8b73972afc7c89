"""The `local` container registry's implementation: copies OCI images between layouts."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flavorhost.container_registries import BaseContainerRegistry
from flavorhost.flavors.local_container_registry.flavor import LocalContainerRegistryConfig
from flavorhost.flavors.local_container_registry.oci_layout import OciLayout, copy_image
from flavorhost.home import flavorhost_home

logger = logging.getLogger(__name__)


class LocalContainerRegistry(BaseContainerRegistry):
    """Pushes images from an OCI image layout (the local image store) into `path/REPOSITORY/`."""

    @property
    def config(self) -> LocalContainerRegistryConfig:
        """The registry's config."""
        config = self._config
        assert isinstance(config, LocalContainerRegistryConfig)
        return config

    @property
    def root(self) -> Path:
        """The directory of the pushed images."""
        if self.config.path is not None:
            return Path(self.config.path)
        return flavorhost_home() / "container_registries" / self.name

    @property
    def images(self) -> OciLayout:
        """The layout images are pushed from."""
        path = self.config.images_path
        return OciLayout(Path(path) if path is not None else flavorhost_home() / "images")

    def prepare_image_push(self, image_name: str) -> None:
        """Checks the name is a tag this registry can hold and creates the repository's folder."""
        repository, _ = self._split(image_name)
        (self.root / repository).mkdir(parents=True, exist_ok=True)

    def _push(self, image_name: str) -> str:
        repository, tag = self._split(image_name)
        full_name = f"{self.config.uri}/{repository}:{tag}"
        source = self.images
        descriptor = source.find(full_name)
        if descriptor is None and ":" not in image_name.rpartition("/")[2]:
            descriptor = source.find(image_name)
        if descriptor is None:
            known = ", ".join(source.names()) or "none"
            raise FileNotFoundError(
                f"image {full_name!r} is not in the image store {source.root} (it holds: {known}); "
                "add it there as an OCI image layout entry annotated "
                f"org.opencontainers.image.ref.name={full_name}, or set images_path"
            )
        target = OciLayout(self.root / repository)
        copy_image(source, target, descriptor)
        target.tag(descriptor, tag)
        repo_digest = f"{self.config.uri}/{repository}@{descriptor['digest']}"
        logger.info("pushed %s as %s into %s", full_name, repo_digest, target.root)
        return repo_digest

    def _split(self, image_name: str) -> tuple[str, str]:
        """(repository, tag) of an image name under this registry's URI."""
        if not self.is_valid_image_name_for_registry(image_name):
            raise ValueError(
                f"image {image_name!r} does not belong to container registry {self.name!r} "
                f"(uri {self.config.uri!r}); name it '{self.config.uri}/REPOSITORY[:TAG]'"
            )
        rest = image_name[len(self.config.uri) + 1 :]
        if "@" in rest:
            raise ValueError(
                f"image {image_name!r} names a digest; push by tag, e.g. "
                f"'{self.config.uri}/{rest.partition('@')[0]}:latest'"
            )
        head, _, last = rest.rpartition("/")
        name, _, tag = last.partition(":")
        repository = f"{head}/{name}" if head else name
        if not _valid_repository(repository) or (tag and not _valid_tag(tag)):
            raise ValueError(
                f"image {image_name!r} is not a valid image name: the repository must be "
                "lowercase letters, digits and . _ - between slashes, the tag up to 128 of "
                "letters, digits and . _ -"
            )
        return repository, tag or "latest"


_COMPONENT = r"[a-z0-9]+(?:[._-][a-z0-9]+)*"
_REPOSITORY = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def _valid_repository(repository: str) -> bool:
    return bool(_REPOSITORY.fullmatch(repository))


def _valid_tag(tag: str) -> bool:
    return bool(_TAG.fullmatch(tag))
