"""Model deployers: the base abstractions every model deployer flavor builds on."""

from flavorhost.model_deployers.base_model_deployer import (
    DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT,
    BaseModelDeployer,
    BaseModelDeployerConfig,
    BaseModelDeployerFlavor,
)
from flavorhost.model_deployers.service import (
    ModelArtifact,
    ModelService,
    ModelServiceConfig,
    ServiceState,
    ServiceStatus,
)

__all__ = [
    "DEFAULT_DEPLOYMENT_START_STOP_TIMEOUT",
    "BaseModelDeployer",
    "BaseModelDeployerConfig",
    "BaseModelDeployerFlavor",
    "ModelArtifact",
    "ModelService",
    "ModelServiceConfig",
    "ServiceState",
    "ServiceStatus",
]
