"""`Flavor`: names a config class and an implementation class for one component type."""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig


class Flavor(ABC):
    """Brings a config class and an implementation class together under a name and a type.

    `implementation_class` is only ever read inside the flavor's sidecar; the host reads `name`,
    `type` and `config_class`. Import the implementation inside that property (as the guide
    advises) so the flavor module stays light.
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """The flavor's name, unique within its component type."""

    @property
    @abstractmethod
    def type(self) -> StackComponentType:
        """The component type the flavor implements."""

    @property
    @abstractmethod
    def config_class(self) -> builtins.type[StackComponentConfig]:
        """The pydantic class that validates a component's config."""

    @property
    @abstractmethod
    def implementation_class(self) -> builtins.type[StackComponent]:
        """The class that implements the component (imported in the sidecar only)."""

    @property
    def docs_url(self) -> str | None:
        """Where the flavor is documented, if anywhere."""
        return None

    @property
    def sdk_docs_url(self) -> str | None:
        """Where the flavor's API is documented, if anywhere."""
        return None

    @property
    def logo_url(self) -> str | None:
        """A logo for the flavor, if any."""
        return None

    @property
    def requirements(self) -> list[str]:
        """pip requirements of the implementation, installed only in the flavor's environment."""
        return []

    @property
    def config_schema(self) -> dict[str, Any]:
        """The JSON Schema of the config class."""
        return self.config_class.model_json_schema()
