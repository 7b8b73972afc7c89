"""Every component type is wired everywhere: a servicer in the sidecar runtime, a service the
host forwards, an SDK proxy, a CLI group and a built-in flavor."""

from __future__ import annotations

import importlib

import pytest

from flavorhost.client import PROXY_CLASSES
from flavorhost.enums import StackComponentType
from flavorhost.flavors import BUILTIN_FLAVORS
from flavorhost.host.daemon import COMPONENT_SERVICES
from flavorhost.host.flavor_loader import FlavorLoader
from flavorhost.sidecar.runtime import SERVICES


@pytest.mark.parametrize("kind", list(StackComponentType), ids=str)
def test_every_type_is_served_forwarded_proxied_and_has_a_builtin_flavor(
    kind: StackComponentType,
) -> None:
    module = importlib.import_module(SERVICES[kind])
    assert callable(module.register)
    assert kind in COMPONENT_SERVICES
    assert kind in {proxy.TYPE for proxy in PROXY_CLASSES}
    loader = FlavorLoader()
    assert any(loader.load(source).type == kind for source in BUILTIN_FLAVORS)


def test_the_cli_has_a_group_per_type() -> None:
    from flavorhost.cli.main import cli

    assert {kind.cli_name for kind in StackComponentType} <= set(cli.commands)
