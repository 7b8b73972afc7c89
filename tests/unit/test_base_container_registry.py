"""BaseContainerRegistry's derived behaviour and its config's validation, without a sidecar."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from flavorhost.container_registries import BaseContainerRegistry, BaseContainerRegistryConfig
from flavorhost.enums import StackComponentType


class Recording(BaseContainerRegistry):
    """A flavor whose primitive records what it was asked to push."""

    def __init__(self, uri: str, **credentials: str) -> None:
        config = BaseContainerRegistryConfig(uri=uri, **credentials)
        super().__init__(
            "reg", uuid.uuid4(), config, "recording", StackComponentType.CONTAINER_REGISTRY
        )
        self.prepared: list[str] = []
        self.pushed: list[str] = []

    def prepare_image_push(self, image_name: str) -> None:
        self.prepared.append(image_name)

    def _push(self, image_name: str) -> str:
        self.pushed.append(image_name)
        return f"{image_name.partition(':')[0]}@sha256:{'a' * 64}"


def test_push_image_checks_the_name_then_prepares_then_pushes() -> None:
    registry = Recording("ghcr.io/my-org")
    assert registry.push_image("ghcr.io/my-org/app:1") == f"ghcr.io/my-org/app@sha256:{'a' * 64}"
    assert registry.prepared == registry.pushed == ["ghcr.io/my-org/app:1"]
    with pytest.raises(ValueError, match="does not belong to container registry 'reg'"):
        registry.push_image("ghcr.io/my-org-two/app:1")
    assert registry.pushed == ["ghcr.io/my-org/app:1"]


def test_docker_hub_names_match_with_or_without_their_prefix() -> None:
    registry = Recording("docker.io/someone")
    assert registry.is_valid_image_name_for_registry("someone/app")
    assert registry.is_valid_image_name_for_registry("index.docker.io/someone/app:1")
    assert not registry.is_valid_image_name_for_registry("someone-else/app")


def test_a_flavor_without_the_primitive_says_it_cannot_push() -> None:
    config = BaseContainerRegistryConfig(uri="localhost:5000")
    registry = BaseContainerRegistry(
        "reg", uuid.uuid4(), config, "bare", StackComponentType.CONTAINER_REGISTRY
    )
    with pytest.raises(NotImplementedError, match="flavor 'bare' cannot push images"):
        registry.push_image("localhost:5000/app")


def test_credentials_come_as_a_pair_or_not_at_all() -> None:
    assert Recording("localhost:5000").credentials is None
    assert Recording("localhost:5000").requires_authentication is False
    registry = Recording("localhost:5000", username="u", password="p")
    assert registry.requires_authentication and registry.credentials == ("u", "p")
    with pytest.raises(ValidationError, match="username is set but password is not"):
        BaseContainerRegistryConfig(uri="localhost:5000", username="u")


@pytest.mark.parametrize(
    ("uri", "normalized"),
    [("localhost:5000/", "localhost:5000"), (" ghcr.io/my-org// ", "ghcr.io/my-org")],
)
def test_the_uri_loses_trailing_slashes(uri: str, normalized: str) -> None:
    assert BaseContainerRegistryConfig(uri=uri).uri == normalized


def test_is_local_is_a_localhost_port() -> None:
    assert BaseContainerRegistryConfig(uri="localhost:5000").is_local
    assert not BaseContainerRegistryConfig(uri="ghcr.io/my-org").is_local
