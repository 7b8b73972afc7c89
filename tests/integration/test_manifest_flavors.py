"""Flavors registered by manifest: any program as the sidecar, configs checked by JSON Schema.

The sidecars here are the Python runtime launched through a manifest (the Node.js flavor has its
own tests), so these run on any machine.
"""

import json
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from flavorhost.client import Client
from flavorhost.enums import StackComponentType

from ..conftest import Cli

SOURCE = "flavors.file_url_flavor.FileUrlArtifactStoreFlavor"


@pytest.fixture
def exported(cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """The quickstart's `file_url` flavor, registered by class, exported as a manifest, deleted."""
    cli("artifact-store", "flavor", "register", SOURCE)
    manifest = json.loads(
        cli("artifact-store", "flavor", "describe", "file_url", "--manifest").stdout
    )
    cli("artifact-store", "flavor", "delete", "file_url")
    return manifest


def _write(path: Path, manifest: dict[str, Any]) -> Path:
    path.write_text(json.dumps(manifest))
    return path


def test_exported_manifest_describes_the_class(exported: dict[str, Any], user_repo: Path) -> None:
    assert exported["name"] == "file_url" and exported["type"] == "artifact_store"
    assert exported["protocol_version"] == 1
    properties = exported["config_schema"]["properties"]
    assert properties["access_token"]["flavorhost_secret"] is True
    assert properties["create_root"] == {"default": True, "title": "Create Root", "type": "boolean"}
    launch = exported["launch"]
    assert launch["args"] == ["-m", "flavorhost.sidecar"]
    assert launch["env"]["FLAVORHOST_FLAVOR_SOURCE"] == SOURCE
    assert launch["working_dir"] == str(user_repo)


def test_a_manifest_flavor_works_through_the_cli_and_the_proxy(
    cli: Cli, client: Client, exported: dict[str, Any], tmp_path: Path
) -> None:
    manifest = _write(tmp_path / "file_url.json", exported)
    out = cli("artifact-store", "flavor", "register", "--manifest", str(manifest)).stdout
    assert f"Registered artifact store flavor 'file_url' from manifest {manifest}" in out
    described = cli("artifact-store", "flavor", "describe", "file_url").stdout
    assert f"Manifest  {manifest}" in described and "-m flavorhost.sidecar" in described
    assert "access_token  string | null" in described
    listed = cli("artifact-store", "flavor", "list").stdout
    assert str(manifest) in listed and "node_local" in listed

    root = tmp_path / "store"
    cli(
        "artifact-store",
        "register",
        "urls",
        "-f",
        "file_url",
        f"--path=file://{root}",
        "--access_token=hunter2",
    )
    shown = cli("artifact-store", "describe", "urls").stdout
    assert "hunter2" not in shown and "{{artifact_store-urls.access_token}}" in shown
    cli("stack", "register", "manifested", "-a", "urls", "-o", "default")
    cli("stack", "set", "manifested")
    store = client.active_stack.artifact_store
    with store.open(f"file://{root}/a.txt", "w") as file:
        file.write("from a manifest flavor")
    assert (root / "a.txt").read_text() == "from a manifest flavor"
    assert store.listdir(f"file://{root}") == ["a.txt"]
    status = cli("host", "status").stdout
    assert "file_url" in status and "running" in status


def test_manifest_configs_get_field_errors(
    cli: Cli, exported: dict[str, Any], tmp_path: Path
) -> None:
    cli(
        "artifact-store",
        "flavor",
        "register",
        "--manifest",
        str(_write(tmp_path / "m.json", exported)),
    )
    missing = cli("artifact-store", "register", "x", "-f", "file_url", ok=False).stderr
    assert (
        "invalid config for flavor 'file_url': field 'path' is required; pass --path=VALUE"
        in missing
    )
    wrong = cli(
        "artifact-store",
        "register",
        "x",
        "-f",
        "file_url",
        "--path=file:///tmp/x",
        "--create_root=maybe",
        ok=False,
    ).stderr
    assert "field 'create_root': expected boolean, got string \"maybe\"" in wrong
    unknown = cli(
        "artifact-store",
        "register",
        "x",
        "-f",
        "file_url",
        "--path=file:///x",
        "--colour=red",
        ok=False,
    ).stderr
    assert "unknown config field 'colour'" in unknown
    assert "x" not in cli("artifact-store", "list").stdout.split()


def test_a_relative_command_runs_in_its_working_dir_with_its_env(
    cli: Cli, client: Client, exported: dict[str, Any], tmp_path: Path
) -> None:
    """`./bin/sidecar` from the manifest's folder, with the manifest's extra environment."""
    folder = tmp_path / "flavor"
    (folder / "bin").mkdir(parents=True)
    script = folder / "bin" / "sidecar"
    script.write_text(
        "#!/bin/sh\n"
        'echo "launched as $FLAVORHOST_FLAVOR_NAME ($FLAVORHOST_COMPONENT_TYPE) with '
        '$GREETING in $(pwd)" >&2\n'
        f'exec {sys.executable} -m flavorhost.sidecar "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    launch = {**exported["launch"], "command": "./bin/sidecar", "args": [], "working_dir": "."}
    launch["env"] = {**launch["env"], "GREETING": "hello"}
    launch["env"]["PYTHONPATH"] = exported["launch"]["working_dir"]
    manifest = _write(folder / "flavor.json", {**exported, "launch": launch})
    cli("artifact-store", "flavor", "register", "--manifest", str(manifest))
    cli("artifact-store", "register", "urls", "-f", "file_url", f"--path=file://{tmp_path}/s")
    proxy = client.get_component(StackComponentType.ARTIFACT_STORE, "urls")
    assert proxy.flavor == "file_url"
    cli("stack", "register", "s", "-a", "urls", "-o", "default")
    cli("stack", "set", "s")
    assert not client.active_stack.artifact_store.exists(f"file://{tmp_path}/s/nothing")
    log = (cli.home / "logs" / "artifact_store-file_url.log").read_text()
    assert f"launched as file_url (artifact_store) with hello in {folder}" in log


def test_bad_manifests_are_refused_at_registration(
    cli: Cli, exported: dict[str, Any], tmp_path: Path
) -> None:
    missing = cli(
        "artifact-store", "flavor", "register", "--manifest", str(tmp_path / "no.json"), ok=False
    ).stderr
    assert f"cannot read manifest {tmp_path / 'no.json'}" in missing
    nowhere = {**exported, "launch": {"command": "no-such-sidecar-program"}}
    refused = cli(
        "artifact-store",
        "flavor",
        "register",
        "--manifest",
        str(_write(tmp_path / "a.json", nowhere)),
        ok=False,
    ).stderr
    assert "the command 'no-such-sidecar-program' of artifact_store flavor 'file_url'" in refused
    assert "is not on the PATH of this process" in refused and "restart the host" in refused
    wrong_group = cli(
        "orchestrator",
        "flavor",
        "register",
        "--manifest",
        str(_write(tmp_path / "b.json", exported)),
        ok=False,
    ).stderr
    assert "declares a flavor of type artifact_store, not orchestrator" in wrong_group
    assert (
        f"flavorhost artifact-store flavor register --manifest {tmp_path / 'b.json'}" in wrong_group
    )
    both = cli(
        "artifact-store", "flavor", "register", SOURCE, "--manifest", "m.json", ok=False
    ).stderr
    assert "not both" in both
    builtin = {**exported, "name": "local"}
    taken = cli(
        "artifact-store",
        "flavor",
        "register",
        "--manifest",
        str(_write(tmp_path / "c.json", builtin)),
        ok=False,
    ).stderr
    assert "'local' is the name of a built-in artifact store flavor" in taken


def test_a_sidecar_that_is_not_the_manifests_flavor_is_refused(
    cli: Cli, client: Client, exported: dict[str, Any], tmp_path: Path
) -> None:
    """The manifest says `other`; the program it launches says `file_url`."""
    manifest = _write(tmp_path / "other.json", {**exported, "name": "other"})
    cli("artifact-store", "flavor", "register", "--manifest", str(manifest))
    cli("artifact-store", "register", "o", "-f", "other", f"--path=file://{tmp_path}/o")
    cli("stack", "register", "s", "-a", "o", "-o", "default")
    cli("stack", "set", "s")
    with pytest.raises(
        Exception, match="says it serves artifact_store flavor 'file_url'; make the manifest's name"
    ):
        client.active_stack.artifact_store.exists(f"file://{tmp_path}/o/x")


def test_the_builtin_node_flavor_checks_its_config_in_the_host(cli: Cli) -> None:
    """node_local's schema is checked at register time, with no Node.js needed."""
    refused = cli(
        "artifact-store", "register", "js", "-f", "node_local", "--path=relstore", ok=False
    ).stderr
    assert (
        "invalid config for flavor 'node_local': field 'path': 'relstore' does not match" in refused
    )
    assert "(The absolute folder that holds the store's files" in refused
    cli("artifact-store", "register", "js", "-f", "node_local", "--path=/tmp/js")


def test_any_python_flavor_exports_even_one_a_manifest_could_not_declare(
    cli: Cli, user_repo: Path, tmp_path: Path
) -> None:
    """A class with a non-text secret field still describes as a manifest; registering that
    export is refused with the reason, as for any manifest."""
    (user_repo / "flavors" / "header_store.py").write_text(
        "from typing import Dict, Optional\n"
        "from flavors.file_url_config import FileUrlArtifactStoreConfig\n"
        "from flavors.file_url_flavor import FileUrlArtifactStoreFlavor\n"
        "from flavorhost.secrets import SecretField\n\n\n"
        "class HeaderConfig(FileUrlArtifactStoreConfig):\n"
        "    headers: Optional[Dict[str, str]] = SecretField(default=None)\n\n\n"
        "class HeaderFlavor(FileUrlArtifactStoreFlavor):\n"
        "    name = 'headers'\n"
        "    config_class = HeaderConfig\n"
    )
    cli("artifact-store", "flavor", "register", "flavors.header_store.HeaderFlavor")
    exported = json.loads(
        cli("artifact-store", "flavor", "describe", "headers", "--manifest").stdout
    )
    assert exported["config_schema"]["properties"]["headers"]["flavorhost_secret"] is True
    cli("artifact-store", "flavor", "delete", "headers")
    refused = cli(
        "artifact-store",
        "flavor",
        "register",
        "--manifest",
        str(_write(tmp_path / "h.json", exported)),
        ok=False,
    ).stderr
    assert "property 'headers' is secret, so its type must be string" in refused
