"""Every SDK proxy has the methods of its type's base class, with the same parameters, so
pipeline code can use the proxy wherever it would use the implementation."""

from __future__ import annotations

import inspect

import pytest

from flavorhost.alerters import BaseAlerter
from flavorhost.artifact_stores import BaseArtifactStore
from flavorhost.container_registries import BaseContainerRegistry
from flavorhost.feature_stores import BaseFeatureStore
from flavorhost.model_deployers import BaseModelDeployer
from flavorhost.orchestrators import BaseOrchestrator
from flavorhost.proxies.alerter import AlerterProxy
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.container_registry import ContainerRegistryProxy
from flavorhost.proxies.feature_store import FeatureStoreProxy
from flavorhost.proxies.model_deployer import ModelDeployerProxy
from flavorhost.proxies.orchestrator import OrchestratorProxy
from flavorhost.stack.stack_component import StackComponent

PAIRS = [
    (BaseArtifactStore, ArtifactStoreProxy),
    (BaseAlerter, AlerterProxy),
    (BaseOrchestrator, OrchestratorProxy),
    (BaseContainerRegistry, ContainerRegistryProxy),
    (BaseModelDeployer, ModelDeployerProxy),
    (BaseFeatureStore, FeatureStoreProxy),
]


def _interface(base: type) -> dict[str, inspect.Signature]:
    """The public methods a type adds to StackComponent."""
    common = set(dir(StackComponent))
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(base, inspect.isfunction)
        if not name.startswith("_") and name not in common
    }


@pytest.mark.parametrize(("base", "proxy"), PAIRS, ids=lambda t: t.__name__)
def test_the_proxy_has_every_method_with_the_same_parameters(base: type, proxy: type) -> None:
    methods = _interface(base)
    assert methods, f"{base.__name__} declares no methods"
    for name, signature in methods.items():
        assert hasattr(proxy, name), f"{proxy.__name__} lacks {name}()"
        proxied = inspect.signature(getattr(proxy, name))
        assert list(proxied.parameters) == list(signature.parameters), name
        for parameter in signature.parameters.values():
            assert proxied.parameters[parameter.name].default == parameter.default, (
                f"{proxy.__name__}.{name}({parameter.name}=...) default differs"
            )


@pytest.mark.parametrize(("base", "proxy"), PAIRS, ids=lambda t: t.__name__)
def test_the_proxy_has_every_property(base: type, proxy: type) -> None:
    common = set(dir(StackComponent))
    for name, _ in inspect.getmembers(base, lambda m: isinstance(m, property)):
        if not name.startswith("_") and name not in common:
            assert isinstance(getattr(proxy, name, None), property), f"{proxy.__name__}.{name}"
