"""Every component type has a conformance suite, and it names every RPC of the type's service,
so a new type or a new RPC without checks fails here rather than passing the kit unchecked."""

import pytest

from flavorhost.conformance.probe import service_descriptor
from flavorhost.conformance.runner import type_suite
from flavorhost.enums import StackComponentType


@pytest.mark.parametrize("kind", list(StackComponentType), ids=lambda k: k.value)
def test_every_rpc_of_every_type_has_a_check(kind: StackComponentType) -> None:
    suite = type_suite(kind)
    assert suite is not None, f"no conformance suite for {kind.value}: add {kind.value}_checks.py"
    covered = {rpc.split("/")[-1] for check in suite.checks for rpc in check.rpcs}
    methods = {m.name for m in service_descriptor(kind).methods}
    assert methods - covered == set(), f"{kind.value} RPCs without a check"
