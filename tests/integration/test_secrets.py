"""Secrets: references, literals moved into secrets, and values that never leak."""

from __future__ import annotations

import hashlib
import os
import stat
import textwrap
import uuid
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from tests.conftest import Cli

TOKEN_FLAVOR = textwrap.dedent(
    """
    import hashlib
    from typing import ClassVar, Optional, Set

    from flavorhost.artifact_stores import BaseArtifactStoreConfig, BaseArtifactStoreFlavor
    from flavorhost.secrets import SecretField


    class TokenConfig(BaseArtifactStoreConfig):
        SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"file://"}
        token: Optional[str] = SecretField(default=None)
        expected_sha256: str = ""
        create_root: bool = True


    class TokenFlavor(BaseArtifactStoreFlavor):
        @property
        def name(self):
            return "token_store"

        @property
        def config_class(self):
            return TokenConfig

        @property
        def implementation_class(self):
            from flavors.token_store import TokenStore

            return TokenStore
    """
)

TOKEN_STORE = textwrap.dedent(
    """
    import errno
    import hashlib

    from flavors.file_url_store import FileUrlArtifactStore


    class TokenStore(FileUrlArtifactStore):
        # Serves only when the sidecar received the right secret value.
        def exists(self, path):
            token = (self.config.token or "").encode()
            if hashlib.sha256(token).hexdigest() != self.config.expected_sha256:
                raise PermissionError(errno.EACCES, "wrong token", path)
            return super().exists(path)
    """
)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.fixture
def token_cli(cli: Cli, user_repo: Path) -> Cli:
    (user_repo / "flavors" / "token_flavor.py").write_text(TOKEN_FLAVOR)
    (user_repo / "flavors" / "token_store.py").write_text(TOKEN_STORE)
    cli("artifact-store", "flavor", "register", "flavors.token_flavor.TokenFlavor")
    return cli


def _use(home: Path, component: str) -> bool:
    with Client(home) as client:
        client.register_stack(f"s-{component}", {StackComponentType.ARTIFACT_STORE: component})
        client.activate_stack(f"s-{component}")
        store = client.active_stack.artifact_store
        result = store.exists(store.path)
        client.activate_stack("default")
        return result


def test_secret_values_reach_the_sidecar_and_nothing_else(token_cli: Cli, home: Path) -> None:
    known = f"s3cr3t-{uuid.uuid4().hex}"
    literal = f"l1teral-{uuid.uuid4().hex}"
    shown: list[str] = []

    def run(*args: str, ok: bool = True) -> None:
        result = token_cli(*args, ok=ok)
        shown.extend([result.stdout, result.stderr])

    run("secret", "create", "creds", f"--token={known}", "--other=x")
    run(
        "artifact-store",
        "register",
        "by_ref",
        "--flavor=token_store",
        f"--path=file://{home}/a",
        "--token={{creds.token}}",
        f"--expected_sha256={_sha(known)}",
    )
    run(
        "artifact-store",
        "register",
        "by_literal",
        "--flavor=token_store",
        f"--path=file://{home}/b",
        f"--token={literal}",
        f"--expected_sha256={_sha(literal)}",
    )
    assert _use(home, "by_ref") and _use(home, "by_literal")

    # A failed registration carrying a secret does not echo it either.
    run(
        "artifact-store",
        "register",
        "bad",
        "--flavor=token_store",
        "--path=no-scheme",
        f"--token={known}",
        ok=False,
    )
    for args in (
        ("secret", "list"),
        ("secret", "describe", "creds"),
        ("secret", "describe", "artifact_store-by_literal"),
        ("artifact-store", "describe", "by_ref"),
        ("artifact-store", "describe", "by_literal"),
        ("artifact-store", "list"),
        ("host", "status", "-o", "json"),
    ):
        run(*args)
    described = token_cli("artifact-store", "describe", "by_literal").stdout
    assert "{{artifact_store-by_literal.token}}" in described
    assert "{{creds.token}}" in token_cli("artifact-store", "describe", "by_ref").stdout
    assert "by_ref" in token_cli("secret", "list").stdout

    with Client(home) as client:
        status = client.host_status()
    pids = [status.pid, *(s.pid for s in status.sidecars)]
    for pid in pids:
        for name in ("cmdline", "environ"):
            shown.append(Path(f"/proc/{pid}/{name}").read_bytes().decode(errors="replace"))
    for path in home.rglob("*"):
        if path.is_file() and path.name != "secrets.db" and "envs" not in path.parts:
            shown.append(path.read_bytes().decode(errors="replace"))
    for text in shown:
        assert known not in text and literal not in text

    revealed = token_cli("secret", "describe", "creds", "--reveal").stdout
    assert known in revealed
    assert stat.S_IMODE(os.stat(home / "secrets.db").st_mode) == 0o600


def test_secret_changes_reach_components_and_deletion_is_guarded(
    token_cli: Cli, home: Path
) -> None:
    token_cli("secret", "create", "creds", "--token=first")
    token_cli(
        "artifact-store",
        "register",
        "c",
        "--flavor=token_store",
        f"--path=file://{home}/c",
        "--token={{creds.token}}",
        f"--expected_sha256={_sha('second')}",
    )
    with Client(home) as client:
        client.register_stack("s", {StackComponentType.ARTIFACT_STORE: "c"})
        client.activate_stack("s")
        store = client.active_stack.artifact_store
        with pytest.raises(PermissionError, match="wrong token"):
            store.exists(store.path)
        client.update_secret("creds", {"token": "second"})
        assert store.exists(store.path)  # reconfigured with the new value

    refused = token_cli("secret", "delete", "creds", ok=False)
    assert "referenced by artifact_store/c" in refused.stderr and "--force" in refused.stderr
    token_cli("secret", "delete", "creds", "--force")
    with Client(home) as client:
        store = client.active_stack.artifact_store
        with pytest.raises(ConfigValidationError, match="secret 'creds', which does not exist"):
            store.exists(store.path)
        assert client.host_status().pid  # the host keeps serving


def test_references_to_missing_secrets_or_keys_are_refused(token_cli: Cli, home: Path) -> None:
    result = token_cli(
        "artifact-store",
        "register",
        "x",
        "--flavor=token_store",
        f"--path=file://{home}/x",
        "--token={{nope.token}}",
        ok=False,
    )
    assert "secret 'nope', which does not exist" in result.stderr
    token_cli("secret", "create", "creds", "--token=t")
    result = token_cli(
        "artifact-store",
        "register",
        "x",
        "--flavor=token_store",
        f"--path=file://{home}/x",
        "--token={{creds.missing}}",
        ok=False,
    )
    assert "key 'missing' of secret 'creds'" in result.stderr
    assert "x" not in [
        line.split()[0] for line in token_cli("artifact-store", "list").stdout.splitlines()[2:]
    ]


def test_values_can_come_from_files_instead_of_argv(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("from-a-file\n")
    cli("secret", "create", "filed", f"--token=@{tmp_path / 'token.txt'}")
    assert "from-a-file" in cli("secret", "describe", "filed", "--reveal").stdout
    assert "cannot read" in cli("secret", "update", "filed", "--token=@/no/such", ok=False).stderr


def test_a_refused_duplicate_registration_leaves_the_secret_alone(
    token_cli: Cli, home: Path
) -> None:
    token_cli(
        "artifact-store",
        "register",
        "dup",
        "--flavor=token_store",
        f"--path=file://{home}/dup",
        "--token=original",
    )
    refused = token_cli(
        "artifact-store",
        "register",
        "dup",
        "--flavor=token_store",
        f"--path=file://{home}/other",
        "--token=intruder",
        ok=False,
    )
    assert "exists already" in refused.stderr
    revealed = token_cli("secret", "describe", "artifact_store-dup", "--reveal").stdout
    assert "original" in revealed and "intruder" not in revealed


def test_deleting_a_component_deletes_its_own_secret(token_cli: Cli, home: Path) -> None:
    register = ["artifact-store", "register"]
    token_cli(*register, "gone", "--flavor=token_store", f"--path=file://{home}/g", "--token=t1")
    token_cli(*register, "kept", "--flavor=token_store", f"--path=file://{home}/k", "--token=t2")
    token_cli(
        *register,
        "borrower",
        "--flavor=token_store",
        f"--path=file://{home}/b",
        "--token={{artifact_store-kept.token}}",
    )
    token_cli("artifact-store", "delete", "gone")
    token_cli("artifact-store", "delete", "kept")  # its secret is still used by `borrower`
    secrets = token_cli("secret", "list").stdout
    assert "artifact_store-gone" not in secrets and "artifact_store-kept" in secrets
