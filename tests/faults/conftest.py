"""Fault-injection fixtures: a user repo with misbehaving flavors, and a host using them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli


@pytest.fixture
def fault_repo(user_repo: Path) -> Path:
    """The quickstart's flavors plus the deliberately faulty ones."""
    for module in (REPO / "tests" / "fixtures" / "fault_repo" / "flavors").glob("*.py"):
        shutil.copy(module, user_repo / "flavors" / module.name)
    return user_repo


@pytest.fixture
def faulty(cli: Cli, fault_repo: Path) -> Cli:
    """The `faulty` flavor registered."""
    cli("artifact-store", "flavor", "register", "flavors.faulty_flavor.FaultyFlavor")
    return cli
