"""Container registries: the base abstractions every container registry flavor builds on."""

from flavorhost.container_registries.base_container_registry import (
    BaseContainerRegistry,
    BaseContainerRegistryConfig,
    BaseContainerRegistryFlavor,
)

__all__ = ["BaseContainerRegistry", "BaseContainerRegistryConfig", "BaseContainerRegistryFlavor"]
