"""Every SDK proxy has the methods of its type's base class, with the same parameters, so
pipeline code can use the proxy wherever it would use the implementation."""

from __future__ import annotations

import inspect

import pytest

from flavorhost.alerters import BaseAlerter
from flavorhost.annotators import BaseAnnotator
from flavorhost.artifact_stores import BaseArtifactStore
from flavorhost.container_registries import BaseContainerRegistry
from flavorhost.data_validators import BaseDataValidator
from flavorhost.experiment_trackers import BaseExperimentTracker
from flavorhost.feature_stores import BaseFeatureStore
from flavorhost.model_deployers import BaseModelDeployer
from flavorhost.model_registries import BaseModelRegistry
from flavorhost.orchestrators import BaseOrchestrator
from flavorhost.proxies.alerter import AlerterProxy
from flavorhost.proxies.annotator import AnnotatorProxy
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.container_registry import ContainerRegistryProxy
from flavorhost.proxies.data_validator import DataValidatorProxy
from flavorhost.proxies.experiment_tracker import ExperimentTrackerProxy
from flavorhost.proxies.feature_store import FeatureStoreProxy
from flavorhost.proxies.model_deployer import ModelDeployerProxy
from flavorhost.proxies.model_registry import ModelRegistryProxy
from flavorhost.proxies.orchestrator import OrchestratorProxy
from flavorhost.proxies.step_operator import StepOperatorProxy
from flavorhost.stack.stack_component import StackComponent
from flavorhost.step_operators import BaseStepOperator

PAIRS = [
    (BaseArtifactStore, ArtifactStoreProxy),
    (BaseAlerter, AlerterProxy),
    (BaseOrchestrator, OrchestratorProxy),
    (BaseExperimentTracker, ExperimentTrackerProxy),
    (BaseStepOperator, StepOperatorProxy),
    (BaseContainerRegistry, ContainerRegistryProxy),
    (BaseAnnotator, AnnotatorProxy),
    (BaseDataValidator, DataValidatorProxy),
    (BaseModelDeployer, ModelDeployerProxy),
    (BaseFeatureStore, FeatureStoreProxy),
    (BaseModelRegistry, ModelRegistryProxy),
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


def test_every_proxy_has_the_run_hooks_of_every_component() -> None:
    from flavorhost.proxies.component_proxy import ComponentProxy

    hooks = ["prepare_step_run", "cleanup_step_run", "get_step_run_metadata"]
    hooks.append("get_pipeline_run_metadata")
    for name in hooks:
        expected = list(inspect.signature(getattr(StackComponent, name)).parameters)
        assert list(inspect.signature(getattr(ComponentProxy, name)).parameters) == expected
