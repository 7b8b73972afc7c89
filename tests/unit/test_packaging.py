"""Packaging promises: import names, console script, light runtime dependencies."""

import subprocess
import sys
import tomllib

from tests.conftest import FLAVORHOST_BIN, REPO


def _installed_top_level_names(names: list[str]) -> list[str]:
    code = (
        "import importlib.util, sys; "
        f"print(','.join(n for n in {names!r} if importlib.util.find_spec(n)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=60
    )
    return [n for n in result.stdout.strip().split(",") if n]


def test_no_top_level_host_sdk_or_flavors_package_is_installed() -> None:
    assert _installed_top_level_names(["host", "sdk", "flavors"]) == []


def test_flavorhost_subpackages_map_to_their_folders() -> None:
    import flavorhost
    import flavorhost.flavors
    import flavorhost.host

    assert flavorhost.__file__.startswith(str(REPO / "sdk"))
    assert flavorhost.host.__file__.startswith(str(REPO / "host"))
    assert flavorhost.flavors.__file__.startswith(str(REPO / "flavors"))


def test_runtime_dependencies_are_light() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"]).lower()
    assert "s3fs" not in runtime
    assert "grpcio-tools" not in runtime
    every_group = " ".join(" ".join(g) for g in project["optional-dependencies"].values())
    assert "s3fs" not in every_group.lower()
    assert project["scripts"]["flavorhost"] == "flavorhost.cli:main"


def test_console_script_runs() -> None:
    result = subprocess.run(
        [FLAVORHOST_BIN, "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "artifact-store" in result.stdout


def test_importing_the_base_classes_does_not_import_grpc() -> None:
    code = (
        "import sys, flavorhost.stack, flavorhost.artifact_stores, flavorhost.enums; "
        "print('grpc' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
