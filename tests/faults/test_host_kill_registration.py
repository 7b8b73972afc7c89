"""kill -9 the host while SDK and CLI clients register, update and delete: after each kill the
registry and the secrets store are consistent, no sidecar outlives the host, and a new host serves
the same state."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from flavorhost import Client
from flavorhost.host_connection import wait_until_stopped
from tests.conftest import FLAVORHOST_BIN

ROUNDS = 6
# A client that registers, updates and deletes in a loop until killed; literal S3 credentials
# are moved into secrets by the host, so each registration writes both databases.
SDK_WRITER = """
import sys
from flavorhost import Client
from flavorhost.enums import StackComponentType
kind = StackComponentType.ARTIFACT_STORE
prefix = sys.argv[1]
with Client() as client:
    for i in range(100000):
        name = f"{prefix}{i}"
        try:
            client.register_component(kind, name, "s3", config={
                "path": f"s3://bucket/{name}", "key": f"AKIA{i}", "secret": f"s3cr3t-{i}"})
            client.register_stack(name, {kind: name})
            client.update_component(kind, name, config={"secret": f"rotated-{i}"})
            if i % 3 == 0:
                client.delete_stack(name)
                client.delete_component(kind, name)
            client.create_secret(f"{name}-extra", {"token": str(i)})
        except Exception:  # the host was killed: this client's work is over
            break
"""
CLI_WRITER = """
import subprocess, sys
flavorhost, prefix = sys.argv[1], sys.argv[2]
for i in range(100000):
    name = f"{prefix}{i}"
    done = subprocess.run([flavorhost, "artifact-store", "register", name, "--flavor", "local",
                           f"--path=/tmp/{name}"], capture_output=True)
    if done.returncode:
        break
"""


def _rows(db: sqlite3.Connection, query: str) -> list[tuple[object, ...]]:
    return list(db.execute(query).fetchall())


def _check_consistency(home: Path) -> dict[str, int]:
    """Checks both databases as a killed host left them (nothing is running)."""
    registry = sqlite3.connect(home / "registry.db")
    secrets = sqlite3.connect(home / "secrets.db")
    try:
        assert _rows(registry, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(secrets, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(registry, "PRAGMA foreign_key_check") == []
        orphans = _rows(
            registry,
            "SELECT c.name FROM components c LEFT JOIN flavors f "
            "ON f.type = c.type AND f.name = c.flavor WHERE f.name IS NULL",
        )
        assert orphans == [], f"components without their flavor: {orphans}"
        dangling = _rows(
            registry,
            "SELECT m.stack_id FROM stack_members m LEFT JOIN components c "
            "ON c.id = m.component_id WHERE c.id IS NULL",
        )
        assert dangling == [], f"stack members without their component: {dangling}"
        stored = {
            name: json.loads(values)
            for name, values in _rows(secrets, "SELECT name, secret_values FROM secrets")
        }
        components = _rows(registry, "SELECT name, config FROM components")
        for name, config in components:
            for field, value in json.loads(str(config)).items():
                if isinstance(value, str) and value.startswith("{{"):
                    secret, key = value.strip("{} ").split(".")
                    assert key in stored.get(secret, {}), f"{name}.{field} -> missing {value}"
                else:
                    assert field not in ("key", "secret"), f"{name}.{field} stored in clear"
        return {"components": len(components), "secrets": len(stored)}
    finally:
        registry.close()
        secrets.close()


def test_killing_the_host_mid_registration_leaves_a_consistent_registry(
    home: Path, user_repo: Path
) -> None:
    seed = int(os.environ.get("FLAVORHOST_FAULT_SEED") or random.SystemRandom().randrange(10**6))
    print(f"FLAVORHOST_FAULT_SEED={seed}")
    rng = random.Random(seed)
    env = dict(os.environ, FLAVORHOST_HOME=str(home))
    counts: dict[str, int] = {}
    for round_ in range(ROUNDS):
        with Client(home) as client:
            assert client.active_stack.artifact_store.exists(".")  # a sidecar to outlive
            status = client.host_status()
        # Each writer in its own process group, killed whole: a CLI command the CLI writer had
        # started would otherwise live on, start a new host and register after the check.
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", SDK_WRITER, f"r{round_}a"], env=env, start_new_session=True
            ),
            subprocess.Popen(
                [sys.executable, "-c", SDK_WRITER, f"r{round_}b"], env=env, start_new_session=True
            ),
            subprocess.Popen(
                [sys.executable, "-c", CLI_WRITER, FLAVORHOST_BIN, f"r{round_}c"],
                env=env,
                cwd=user_repo,
                start_new_session=True,
            ),
        ]
        try:
            time.sleep(rng.uniform(0.5, 2.0))  # let them get going; the kill lands anywhere
            os.kill(status.pid, signal.SIGKILL)
            assert wait_until_stopped(status.pid)
            assert wait_until_stopped(status.sidecars[0].pid), "a sidecar outlived its host"
        finally:
            for writer in writers:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(writer.pid, signal.SIGKILL)
                writer.wait(timeout=30)
        counts = _check_consistency(home)
    with Client(home) as client:  # a new host serves what the killed ones committed
        assert len(client.list_components()) == counts["components"]
        assert client.active_stack.artifact_store.exists(".")
    print(f"host kills: {ROUNDS}, registry after them: {counts}")
    assert counts["components"] > ROUNDS, "the writers registered too little to test anything"
