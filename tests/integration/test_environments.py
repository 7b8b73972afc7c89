"""Per-flavor environments through the CLI: the guide's custom S3 flavor with --requirement s3fs,
a failed build, and the guide's advice for flavor modules that import heavy dependencies."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from tests.conftest import REPO, Cli

FLAVOR = "flavors.my_s3_flavor.MyS3ArtifactStoreFlavor"


@pytest.fixture
def s3_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "tests" / "fixtures" / "s3_user_repo", repo)
    return repo


def test_guide_custom_s3_flavor_with_requirement(
    home: Path, s3_repo: Path, s3_endpoint: str
) -> None:
    cli = Cli(home, s3_repo)
    cli("init")
    registered = cli("artifact-store", "flavor", "register", FLAVOR, "--requirement", "s3fs")
    assert "Building its environment (s3fs)" in registered.stdout
    assert "Environment ready." in registered.stdout
    # Same requirements, same environment: a second flavor reuses it without building.
    (s3_repo / "flavors" / "twin_flavor.py").write_text(
        (s3_repo / "flavors" / "my_s3_flavor.py")
        .read_text()
        .replace('"my_s3_artifact_store"', '"twin_s3"')
    )
    twin = cli(
        "artifact-store",
        "flavor",
        "register",
        "flavors.twin_flavor.MyS3ArtifactStoreFlavor",
        "-r",
        "s3fs",
    )
    assert "Building" not in twin.stdout
    with Client(home) as client:
        pythons = {
            client.get_flavor(StackComponentType.ARTIFACT_STORE, name).environment_python
            for name in ("my_s3_artifact_store", "twin_s3")
        }
    assert len(pythons) == 1 and str(home / "envs") in pythons.pop()
    described = cli("artifact-store", "flavor", "describe", "my_s3_artifact_store").stdout
    assert "Requirements  s3fs" in described and "ready:" in described
    client_kwargs = json.dumps({"endpoint_url": s3_endpoint, "region_name": "us-west-2"})
    cli(
        "artifact-store",
        "register",
        "my_s3",
        "--flavor=my_s3_artifact_store",
        "--path=s3://guide-bucket/artifacts",
        "--key=testing",
        "--secret=testing",
        f"--client_kwargs={client_kwargs}",
    )
    cli("stack", "register", "s3_stack", "--artifact-store", "my_s3")
    cli("stack", "set", "s3_stack")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        store.mkdir("s3://guide-bucket")
        with store.open("s3://guide-bucket/artifacts/model.txt", "w") as f:
            f.write("trained")
        assert store.exists("s3://guide-bucket/artifacts/model.txt")
        with store.open("s3://guide-bucket/artifacts/model.txt") as f:
            assert f.read() == "trained"
        assert store.listdir("s3://guide-bucket/artifacts") == ["model.txt"]


def test_a_failed_build_says_why_and_affects_nothing_else(home: Path, s3_repo: Path) -> None:
    cli = Cli(home, s3_repo)
    result = cli(
        "artifact-store",
        "flavor",
        "register",
        FLAVOR,
        "-r",
        "flavorhost-no-such-package-anywhere==0.0.1",
        ok=False,
    )
    assert "flavorhost-no-such-package-anywhere" in result.stderr
    assert "Traceback" not in result.stderr
    described = cli("artifact-store", "flavor", "describe", "my_s3_artifact_store").stdout
    assert "failed:" in described and "flavorhost-no-such-package-anywhere" in described
    with Client(home) as client:
        store = client.active_stack.artifact_store  # the default, local flavor
        with store.open("still-works.txt", "w") as f:
            f.write("yes")
        assert store.exists("still-works.txt")
        assert client.get_flavor(StackComponentType.ARTIFACT_STORE, "local").environment_state


def test_a_flavor_module_importing_a_missing_dependency_points_to_the_guide(
    home: Path, s3_repo: Path
) -> None:
    result = Cli(home, s3_repo)(
        "artifact-store", "flavor", "register", "flavors.eager_flavor.MyS3ArtifactStore", ok=False
    )
    assert "module 's3fs' is not installed" in result.stderr
    assert "implementation_class" in result.stderr


def test_an_existing_interpreter_can_run_the_sidecar(home: Path, user_repo: Path) -> None:
    cli = Cli(home, user_repo)
    cli(
        "artifact-store",
        "flavor",
        "register",
        "flavors.file_url_flavor.FileUrlArtifactStoreFlavor",
        "--python",
        sys.executable,
    )
    described = cli("artifact-store", "flavor", "describe", "file_url").stdout
    assert f"external: {sys.executable}" in described
    cli("artifact-store", "register", "ext", "--flavor=file_url", f"--path=file://{home}/ext")
    cli("stack", "register", "ext", "-a", "ext")
    cli("stack", "set", "ext")
    with Client(home) as client:
        assert client.active_stack.artifact_store.exists(f"file://{home}/ext")


@pytest.mark.parametrize(
    ("python", "says"),
    [
        ("/no/such/python", "cannot run --python"),
        (sys.base_prefix + "/bin/python3", "cannot import"),
    ],
)
def test_an_unusable_interpreter_is_refused(
    home: Path, user_repo: Path, python: str, says: str
) -> None:
    result = Cli(home, user_repo)(
        "artifact-store",
        "flavor",
        "register",
        "flavors.file_url_flavor.FileUrlArtifactStoreFlavor",
        "--python",
        python,
        ok=False,
    )
    assert says in result.stderr
