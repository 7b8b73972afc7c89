"""Fault-injection fixtures: a user repo with misbehaving flavors, and a host using them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV
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


@pytest.fixture(params=["handed_over", "streamed"])
def file_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way a local store's files reach the client: handed over as descriptors (the
    default), or streamed over gRPC (as for other flavors and remote clients)."""
    if request.param == "streamed":
        monkeypatch.setenv(FILE_HANDOVER_ENV, "0")
    return str(request.param)
