"""Bad input: a clear error naming the thing and the fix, and an unchanged registry."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flavorhost import Client
from tests.conftest import REPO, Cli, stop_host

FLAVOR = "flavors.file_url_flavor.FileUrlArtifactStoreFlavor"


def _registry(cli: Cli) -> tuple[object, ...]:
    with Client(cli.home) as client:
        return (
            client.list_flavors(),
            client.list_components(),
            client.list_stacks(),
            client.get_stack().name,
        )


@pytest.fixture(scope="module")
def registered() -> Iterator[Cli]:
    """One host for the module, holding a custom flavor, a component and a stack using it.

    Failed commands must leave the registry unchanged, so every case can share it.
    """
    home = Path(tempfile.mkdtemp(prefix="fh-", dir="/tmp"))
    repo = home / "repo"
    shutil.copytree(REPO / "examples" / "quickstart" / "flavors", repo / "flavors")
    (repo / "flavors" / "broken.py").write_text("1 / 0\n")
    (repo / "flavors" / "heavy.py").write_text("import not_installed_anywhere\n")
    cli = Cli(home, repo)
    cli("artifact-store", "flavor", "register", FLAVOR)
    cli("artifact-store", "register", "used", "--flavor=file_url", f"--path=file://{home}/s")
    cli("stack", "register", "my_stack", "-a", "used")
    yield cli
    stop_host(home)
    shutil.rmtree(home, ignore_errors=True)


def _fails(cli: Cli, *args: str, says: list[str]) -> None:
    before = _registry(cli)
    result = cli(*args, ok=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for text in says:
        assert text in result.stderr, f"{text!r} not in {result.stderr!r}"
    assert _registry(cli) == before


CASES = {
    "unknown flavor": (
        ["artifact-store", "register", "x", "--flavor=nope", "--path=/tmp/x"],
        ["no artifact store flavor named 'nope'", "flavor list"],
    ),
    "missing field": (
        ["artifact-store", "register", "x", "--flavor=local"],
        ["field 'path' is required", "--path=VALUE"],
    ),
    "invalid field": (
        ["artifact-store", "register", "x", "--flavor=local", "--path=relative/dir"],
        ["field 'path'", "must be absolute"],
    ),
    "invalid field type": (
        [
            "artifact-store",
            "register",
            "x",
            "--flavor=file_url",
            "--path=file:///x",
            "--create_root=maybe",
        ],
        ["field 'create_root'", "boolean"],
    ),
    "unknown field": (
        ["artifact-store", "register", "x", "--flavor=local", "--path=/tmp/x", "--colour=red"],
        ["unknown config field 'colour'", "path"],
    ),
    "unsupported scheme (local)": (
        ["artifact-store", "register", "x", "--flavor=local", "--path=s3://bucket/x"],
        ["local directory", "s3://bucket/x"],
    ),
    "unsupported scheme (custom)": (
        ["artifact-store", "register", "x", "--flavor=file_url", "--path=/tmp/x"],
        ["scheme this flavor does not support", "'file://'"],
    ),
    "module that does not resolve": (
        ["artifact-store", "flavor", "register", "flavors.nope.NopeFlavor"],
        ["cannot find module 'flavors.nope'", "flavorhost init"],
    ),
    "class that does not exist": (
        ["artifact-store", "flavor", "register", "flavors.file_url_flavor.Missing"],
        ["has no attribute 'Missing'"],
    ),
    "not a dotted path": (
        ["artifact-store", "flavor", "register", "JustAName"],
        ["not a dotted path", "package.module.FlavorClass"],
    ),
    "not a flavor class": (
        [
            "artifact-store",
            "flavor",
            "register",
            "flavors.file_url_config.FileUrlArtifactStoreConfig",
        ],
        ["not a subclass of flavorhost.stack.Flavor"],
    ),
    "flavor module that raises on import": (
        ["artifact-store", "flavor", "register", "flavors.broken.BrokenFlavor"],
        ["importing 'flavors.broken' raised ZeroDivisionError"],
    ),
    "flavor module with a missing heavy dependency": (
        ["artifact-store", "flavor", "register", "flavors.heavy.HeavyFlavor"],
        ["module 'not_installed_anywhere' is not installed", "implementation_class"],
    ),
    "duplicate component": (
        ["artifact-store", "register", "used", "--flavor=local", "--path=/tmp/x"],
        ["artifact store named 'used' exists already"],
    ),
    "duplicate stack": (
        ["stack", "register", "my_stack", "-a", "used"],
        ["stack named 'my_stack' exists already"],
    ),
    "stack without artifact store": (
        ["stack", "register", "empty"],
        ["needs an artifact store", "--artifact-store/-a"],
    ),
    "stack with unknown component": (
        ["stack", "register", "other", "-a", "ghost"],
        ["no artifact store named 'ghost'"],
    ),
    "deleting a component used by a stack": (
        ["artifact-store", "delete", "used"],
        ["used by the stack(s) my_stack", "flavorhost stack delete"],
    ),
    "deleting a flavor in use": (
        ["artifact-store", "flavor", "delete", "file_url"],
        ["flavor 'file_url' is used by", "used"],
    ),
    "deleting a built-in flavor": (
        ["artifact-store", "flavor", "delete", "local"],
        ["built-in flavor"],
    ),
    "deleting the active stack": (
        ["stack", "delete", "default"],
        ["active stack", "stack set"],
    ),
    "updating with an invalid value": (
        ["artifact-store", "update", "used", "--path=/no/scheme"],
        ["scheme this flavor does not support"],
    ),
    "describing an unknown component": (
        ["artifact-store", "describe", "ghost"],
        ["no artifact store named 'ghost'", "artifact-store list"],
    ),
    "activating an unknown stack": (
        ["stack", "set", "ghost"],
        ["no stack named 'ghost'"],
    ),
    "a negative call timeout": (
        ["artifact-store", "register", "x", "--flavor=local", "--path=/tmp/x", "--call-timeout=-1"],
        ["call timeout must be a positive number of seconds", "--call-timeout 60"],
    ),
    "an infinite call timeout on update": (
        ["artifact-store", "update", "used", "--call-timeout=inf"],
        ["call timeout must be a positive number of seconds"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(registered: Cli, case: str) -> None:
    args, says = CASES[case]
    _fails(registered, *args, says=says)


def test_a_flavor_named_like_a_built_in_is_refused(cli: Cli, user_repo: Path) -> None:
    source = (user_repo / "flavors" / "file_url_flavor.py").read_text()
    (user_repo / "flavors" / "clash.py").write_text(source.replace('"file_url"', '"local"'))
    _fails(
        cli,
        "artifact-store",
        "flavor",
        "register",
        "flavors.clash.FileUrlArtifactStoreFlavor",
        says=["'local' is the name of a built-in", "unique within a component type"],
    )


def test_the_call_timeout_alone_can_be_updated(registered: Cli) -> None:
    registered("artifact-store", "update", "used", "--call-timeout", "12.5")
    assert "12.5s" in registered("artifact-store", "describe", "used").stdout
    registered("artifact-store", "update", "used", "--call-timeout", "0")
    assert "300s (default)" in registered("artifact-store", "describe", "used").stdout
