"""The guide's tips on live changes: edited flavor code is picked up; a component whose config
no longer validates is shown as broken, fails clearly, and is repaired by `update`."""

from __future__ import annotations

from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from tests.conftest import Cli

FLAVOR = "flavors.file_url_flavor.FileUrlArtifactStoreFlavor"


@pytest.fixture
def active(cli: Cli, home: Path) -> Cli:
    cli("artifact-store", "flavor", "register", FLAVOR)
    cli("artifact-store", "register", "live", "--flavor=file_url", f"--path=file://{home}/live")
    cli("stack", "register", "live", "-a", "live")
    cli("stack", "set", "live")
    return cli


def _sidecar_pid(client: Client) -> int:
    return next(s.pid for s in client.host_status().sidecars if s.flavor == "file_url")


def test_edited_implementation_code_restarts_the_sidecar(
    active: Cli, user_repo: Path, home: Path
) -> None:
    implementation = user_repo / "flavors" / "file_url_store.py"
    with Client(home) as client:
        store = client.active_stack.artifact_store
        store.makedirs(store.path + "/b")
        store.makedirs(store.path + "/a")
        assert store.listdir(store.path) == ["a", "b"]
        first = _sidecar_pid(client)
        implementation.write_text(
            implementation.read_text().replace(
                "return sorted(os.listdir(_local(path)))",
                "return sorted(os.listdir(_local(path)), reverse=True)",
            )
        )
        assert store.listdir(store.path) == ["b", "a"]
        assert _sidecar_pid(client) != first


def test_a_breaking_config_change_marks_the_component_broken(
    active: Cli, user_repo: Path, home: Path
) -> None:
    config_module = user_repo / "flavors" / "file_url_config.py"
    with Client(home) as client:
        store = client.active_stack.artifact_store
        assert store.exists(store.path)
        config_module.write_text(
            config_module.read_text().replace(
                "    create_root: bool = True", "    create_root: bool = True\n    region: str"
            )
        )
        listing = active("artifact-store", "list").stdout
        assert "broken" in listing and "field 'region' is required" in listing
        assert "broken: " in active("artifact-store", "describe", "live").stdout
        broken = client.get_component(StackComponentType.ARTIFACT_STORE, "live")
        assert broken.broken and "region" in broken.error
        with pytest.raises(ConfigValidationError, match="field 'region' is required"):
            store.exists(store.path)
        assert client.host_status().pid  # the host keeps running

        active("artifact-store", "update", "live", "--region=eu")
        assert not client.get_component(StackComponentType.ARTIFACT_STORE, "live").broken
        assert store.exists(store.path)
        assert "broken" not in active("artifact-store", "list").stdout
