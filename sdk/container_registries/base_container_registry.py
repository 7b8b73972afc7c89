"""The container registry abstraction: where a stack's images are pushed, and how to log in.

As fsspec's spec does, the base derives the interface from one primitive: a flavor implements
`_push(image_name)`; `push_image` checks that the image belongs to the registry and runs
`prepare_image_push` first, so every flavor refuses a foreign image the same way.
"""

from __future__ import annotations

import builtins
import re
from abc import abstractmethod

from pydantic import Field, field_validator, model_validator

from flavorhost.enums import StackComponentType
from flavorhost.secrets import SecretField
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig

# host[:port] then lowercase path components, as in docker's reference grammar (simplified).
_URI = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
)
# Docker Hub's names may be written with or without these prefixes.
_DOCKER_HUB_PREFIXES = ("index.docker.io/", "docker.io/")


def _is_reference(value: str | None) -> bool:
    return value is not None and value.startswith("{{") and value.endswith("}}")


class BaseContainerRegistryConfig(StackComponentConfig):
    """Config of every container registry: its URI and, if it needs a login, the credentials.

    `uri` is the registry's host, with a port and a namespace if any (`localhost:5000`,
    `ghcr.io/my-org`), as image names start with it: no scheme, no trailing slash (a trailing
    slash is dropped, as ZenML does). `username` and `password` are secret fields: give literal
    values, or reference a secret (`--username='{{NAME.username}}' --password='{{NAME.password}}'`
    is ZenML's `authentication_secret=NAME`).
    """

    uri: str = Field(description="The registry's host[:port][/namespace], e.g. localhost:5000.")
    username: str | None = SecretField(default=None, description="Username to log in with.")
    password: str | None = SecretField(default=None, description="Password or token to log in.")

    @field_validator("uri")
    @classmethod
    def _registry_uri(cls, uri: str) -> str:
        stripped = uri.strip().rstrip("/")
        if "://" in stripped:
            scheme, _, rest = stripped.partition("://")
            raise ValueError(
                f"uri {uri!r} has a scheme ({scheme}://); image names start with the registry's "
                f"host, so give it without one: {rest.rstrip('/')!r}"
            )
        if not _URI.fullmatch(stripped):
            raise ValueError(
                f"uri {uri!r} is not a registry address: give host[:port][/namespace] with a "
                "lowercase namespace, e.g. 'localhost:5000' or 'ghcr.io/my-org'"
            )
        return stripped

    @model_validator(mode="after")
    def _both_or_neither(self) -> BaseContainerRegistryConfig:
        if (self.username is None) != (self.password is None):
            given, missing = (
                ("username", "password") if self.password is None else ("password", "username")
            )
            raise ValueError(
                f"{given} is set but {missing} is not: give both (or neither, for a registry "
                f"without a login), e.g. --{missing}='{{{{NAME.{missing}}}}}'"
            )
        return self

    @property
    def is_local(self) -> bool:
        """A registry on this machine (`localhost:PORT`, as ZenML decides it)."""
        return bool(re.fullmatch(r"(localhost|127\.0\.0\.1):[0-9]{2,5}(/.*)?", self.uri))

    @property
    def is_remote(self) -> bool:
        """Images leave this machine unless the registry is local."""
        return not self.is_local


class BaseContainerRegistry(StackComponent):
    """Base class of every container registry implementation."""

    @property
    def config(self) -> BaseContainerRegistryConfig:
        """The registry's config."""
        config = self._config
        assert isinstance(config, BaseContainerRegistryConfig)
        return config

    @property
    def requires_authentication(self) -> bool:
        """Whether pushing needs a login: the config has credentials."""
        return self.config.username is not None

    @property
    def credentials(self) -> tuple[str, str] | None:
        """(username, password) to log in with, or None for a registry without a login."""
        username, password = self.config.username, self.config.password
        if username is None or password is None:
            return None
        if _is_reference(username) or _is_reference(password):
            # The host resolves references before the sidecar sees the config; one left here
            # means the config was built by hand from stored values.
            raise ValueError(
                f"registry {self.name!r} has unresolved secret references as credentials"
            )
        return username, password

    def is_valid_image_name_for_registry(self, image_name: str) -> bool:
        """Whether `image_name` lies under this registry's URI (a whole path component of it:
        `localhost:5000` does not own `localhost:50001/x`)."""
        name, uri = _without_hub_prefix(image_name), _without_hub_prefix(self.config.uri)
        return name.startswith(uri + "/") and len(name) > len(uri) + 1

    def prepare_image_push(self, image_name: str) -> None:
        """Checks or preparations before `image_name` is pushed; flavors override it."""

    def push_image(self, image_name: str) -> str:
        """Pushes `image_name` and returns its repository digest (`URI/REPOSITORY@sha256:...`)."""
        if not self.is_valid_image_name_for_registry(image_name):
            raise ValueError(
                f"image {image_name!r} does not belong to container registry {self.name!r} "
                f"(uri {self.config.uri!r}); name it '{self.config.uri}/REPOSITORY[:TAG]'"
            )
        self.prepare_image_push(image_name)
        return self._push(image_name)

    def _push(self, image_name: str) -> str:
        """The primitive: pushes an image already known to belong here; returns its repository
        digest."""
        raise NotImplementedError(
            f"container registry flavor {self.flavor!r} cannot push images: it does not "
            "implement _push()"
        )


def _without_hub_prefix(name: str) -> str:
    for prefix in _DOCKER_HUB_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class BaseContainerRegistryFlavor(Flavor):
    """Base class of container registry flavors: the type is fixed, the config defaults to the
    base."""

    @property
    def type(self) -> StackComponentType:
        """Container registries are of type CONTAINER_REGISTRY."""
        return StackComponentType.CONTAINER_REGISTRY

    @property
    def config_class(self) -> builtins.type[BaseContainerRegistryConfig]:
        """The config class; flavors narrow it."""
        return BaseContainerRegistryConfig

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[BaseContainerRegistry]:
        """The implementation class (imported in the sidecar only)."""
