"""The guide's walkthrough through the CLI, in a user's repository with its own `flavors`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.errors import FlavorImplementationError
from tests.conftest import Cli

FLAVOR = "flavors.file_url_flavor.FileUrlArtifactStoreFlavor"

PIPELINE = textwrap.dedent(
    """
    import json, sys
    from flavorhost import Client

    store = Client().active_stack.artifact_store
    target = store.path + "/runs/1/metrics.json"
    store.makedirs(store.path + "/runs/1")
    with store.open(target, "w") as f:
        json.dump({"accuracy": 0.93}, f)
    with store.open(target) as f:
        print(json.dumps({"read": json.load(f), "flavor": store.flavor,
                          "listdir": store.listdir(store.path + "/runs/1"),
                          "implementation_imported": "flavors.file_url_store" in sys.modules}))
    """
)

PROBE_FLAVOR = textwrap.dedent(
    """
    from typing import ClassVar, Set

    from flavorhost.artifact_stores import BaseArtifactStoreConfig, BaseArtifactStoreFlavor


    class ProbeConfig(BaseArtifactStoreConfig):
        SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"file://"}
        create_root: bool = True


    class ProbeFlavor(BaseArtifactStoreFlavor):
        @property
        def name(self):
            return "probe"

        @property
        def config_class(self):
            return ProbeConfig

        @property
        def implementation_class(self):
            from flavors.probe_store import ProbeStore

            return ProbeStore
    """
)

PROBE_STORE = textwrap.dedent(
    """
    import os
    from pathlib import Path

    from flavors.file_url_store import FileUrlArtifactStore

    # Records which process imports the implementation.
    with open(Path(__file__).resolve().parent.parent / "imported_by.pids", "a") as log:
        log.write(f"{os.getpid()}\\n")


    class ProbeStore(FileUrlArtifactStore):
        pass
    """
)


def test_guide_walkthrough(cli: Cli, user_repo: Path, home: Path) -> None:
    store = home / "store"
    assert "Initialized" in cli("init").stdout
    assert (user_repo / ".flavorhost").is_dir()
    assert "file_url" in cli("artifact-store", "flavor", "register", FLAVOR).stdout
    listing = cli("artifact-store", "flavor", "list").stdout
    assert "file_url" in listing and "local" in listing
    described = cli("artifact-store", "flavor", "describe", "file_url").stdout
    assert "access_token" in described and "create_root" in described
    access_token_row = next(line for line in described.splitlines() if "access_token" in line)
    assert "yes" in access_token_row  # shown as secret
    cli("artifact-store", "register", "my_store", "--flavor=file_url", f"--path=file://{store}")
    cli("stack", "register", "my_stack", "-a", "my_store")
    cli("stack", "set", "my_stack")
    assert "my_store" in cli("stack", "describe").stdout
    assert "*" in next(
        line for line in cli("stack", "list").stdout.splitlines() if "my_stack" in line
    )

    # A pipeline process, run from anywhere, uses the component through the host.
    result = subprocess.run(
        [sys.executable, "-c", PIPELINE],
        cwd="/",
        env=dict(os.environ, FLAVORHOST_HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report == {
        "read": {"accuracy": 0.93},
        "flavor": "file_url",
        "listdir": ["metrics.json"],
        "implementation_imported": False,
    }
    assert json.loads((store / "runs" / "1" / "metrics.json").read_text()) == {"accuracy": 0.93}

    # Dotted paths resolve from the source root even when called from a subfolder.
    (user_repo / "sub").mkdir()
    subfolder = Cli(home, user_repo / "sub")
    subfolder("artifact-store", "flavor", "register", FLAVOR)


def test_dotted_paths_resolve_from_the_current_directory_without_init(
    cli: Cli, user_repo: Path
) -> None:
    cli("artifact-store", "flavor", "register", FLAVOR)
    assert not (user_repo / ".flavorhost").exists()


def test_the_host_never_imports_the_implementation(cli: Cli, user_repo: Path, home: Path) -> None:
    (user_repo / "flavors" / "probe_flavor.py").write_text(PROBE_FLAVOR)
    (user_repo / "flavors" / "probe_store.py").write_text(PROBE_STORE)
    cli("init")
    cli("artifact-store", "flavor", "register", "flavors.probe_flavor.ProbeFlavor")
    cli("artifact-store", "register", "probed", "--flavor=probe", f"--path=file://{home}/p")
    cli("artifact-store", "describe", "probed")
    cli("stack", "register", "probe_stack", "-a", "probed")
    cli("stack", "set", "probe_stack")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        with store.open(f"{store.path}/x.txt", "w") as f:
            f.write("x")
        assert store.exists(f"{store.path}/x.txt")
        status = client.host_status()
    importers = (user_repo / "imported_by.pids").read_text().split()
    sidecar = next(s for s in status.sidecars if s.flavor == "probe")
    assert importers == [str(sidecar.pid)]
    assert str(status.pid) not in importers
    assert str(os.getpid()) not in importers


def test_secret_values_are_masked_everywhere_they_are_shown(
    cli: Cli, user_repo: Path, home: Path
) -> None:
    cli("artifact-store", "flavor", "register", FLAVOR)
    cli(
        "artifact-store",
        "register",
        "secretive",
        "--flavor=file_url",
        f"--path=file://{home}/s",
        "--access_token=hunter2-value",
    )
    assert "hunter2-value" not in cli("artifact-store", "describe", "secretive").stdout
    cli("stack", "register", "s", "-a", "secretive")
    cli("stack", "set", "s")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        # The literal was moved into a secret; the config holds only a reference to it.
        assert store.config.access_token == "{{artifact_store-secretive.access_token}}"
        assert store.exists(store.path)


def test_an_implementation_that_fails_to_start_names_the_component(
    cli: Cli, user_repo: Path, home: Path
) -> None:
    (user_repo / "flavors" / "probe_flavor.py").write_text(PROBE_FLAVOR)
    (user_repo / "flavors" / "probe_store.py").write_text(
        "raise RuntimeError('cannot reach the bucket')\n"
    )
    cli("artifact-store", "flavor", "register", "flavors.probe_flavor.ProbeFlavor")
    cli("artifact-store", "register", "probed", "--flavor=probe", f"--path=file://{home}/p")
    cli("stack", "register", "probe_stack", "-a", "probed")
    cli("stack", "set", "probe_stack")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        with pytest.raises(FlavorImplementationError, match="could not create component 'probed'"):
            store.exists(store.path)
        assert client.host_status().pid  # the host keeps serving
        client.activate_stack("default")
        assert client.active_stack.artifact_store.exists(".")


def test_a_flavor_that_prints_keeps_working(cli: Cli, user_repo: Path, home: Path) -> None:
    implementation = user_repo / "flavors" / "file_url_store.py"
    implementation.write_text(
        implementation.read_text().replace(
            '        """Names in a directory."""',
            '        """Names in a directory."""\n        print("chatty " * 2000)',
        )
    )
    cli("artifact-store", "flavor", "register", FLAVOR)
    cli("artifact-store", "register", "chatty", "--flavor=file_url", f"--path=file://{home}/c")
    cli("stack", "register", "chatty", "-a", "chatty")
    cli("stack", "set", "chatty")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        for _ in range(30):  # ~420 KiB printed: far more than a pipe holds
            assert store.listdir(store.path) == []
        log = Path(client.host_status().sidecars[0].log_path).read_text()
    assert "chatty chatty" in log


def test_an_exception_inside_with_keeps_the_old_file_for_any_flavor(cli: Cli, home: Path) -> None:
    cli("artifact-store", "flavor", "register", FLAVOR)
    cli("artifact-store", "register", "plain", "--flavor=file_url", f"--path=file://{home}/p")
    cli("stack", "register", "plain", "-a", "plain")
    cli("stack", "set", "plain")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        target = f"{store.path}/model.txt"
        with store.open(target, "w") as f:
            f.write("ORIGINAL")
        with pytest.raises(RuntimeError), store.open(target, "w") as f:
            f.write("half")
            f.flush()
            raise RuntimeError("the step failed")
        with store.open(target) as f:
            assert f.read() == "ORIGINAL"
        with store.open(target, "a") as f:
            f.write("+more")
        with store.open(target) as f:
            assert f.read() == "ORIGINAL+more"


def test_a_state_folder_named_like_the_marker_is_not_a_source_root(
    home: Path, user_repo: Path
) -> None:
    (user_repo.parent / ".flavorhost").mkdir()  # like ~/.flavorhost above a project
    Cli(home, user_repo)("artifact-store", "flavor", "register", FLAVOR)
