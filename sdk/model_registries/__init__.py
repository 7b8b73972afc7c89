"""Model registries: the base abstractions every model registry flavor builds on, and the
models, versions and stages they keep."""

from flavorhost.model_registries.base_model_registry import (
    BaseModelRegistry,
    BaseModelRegistryConfig,
    BaseModelRegistryFlavor,
)
from flavorhost.model_registries.model_versions import (
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)

__all__ = [
    "BaseModelRegistry",
    "BaseModelRegistryConfig",
    "BaseModelRegistryFlavor",
    "ModelRegistryModelMetadata",
    "ModelVersionStage",
    "RegisteredModel",
    "RegistryModelVersion",
]
