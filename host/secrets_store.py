"""Secrets: named sets of key/value pairs, in their own SQLite file readable by the owner only.

Kept apart from the registry so that the registry file (and any copy of it) holds references
(`{{NAME.KEY}}`), never values.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flavorhost.errors import EntityExistsError, EntityNotFoundError

NAME = re.compile(r"^[A-Za-z0-9_-]+$")
SCHEMA = """
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY, id TEXT NOT NULL, secret_values TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL);
"""


@dataclass(frozen=True)
class SecretRecord:
    """A stored secret."""

    id: str
    name: str
    values: dict[str, str]
    created: float
    updated: float


def check_secret_name(name: str) -> None:
    """Secret names must be usable inside `{{NAME.KEY}}`."""
    if not NAME.match(name):
        raise ValueError(f"secret name {name!r} may contain only letters, digits, '_' and '-'")


class SecretsStore:
    """Thread-safe access to `secrets.db` (mode 0600)."""

    def __init__(self, path: Path) -> None:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock, self._db:
            # DELETE journal mode: no -wal/-shm side files with default permissions.
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._db.close()

    @staticmethod
    def _record(row: sqlite3.Row) -> SecretRecord:
        return SecretRecord(
            row["id"], row["name"], json.loads(row["secret_values"]), row["created"], row["updated"]
        )

    def create(self, name: str, values: dict[str, str]) -> SecretRecord:
        """Records a new secret."""
        check_secret_name(name)
        if not values:
            raise ValueError(f"secret {name!r} needs at least one --KEY=VALUE")
        now = time.time()
        with self._lock, self._db:
            if self._db.execute("SELECT 1 FROM secrets WHERE name = ?", (name,)).fetchone():
                raise EntityExistsError(
                    f"a secret named {name!r} exists already; change it with "
                    f"`flavorhost secret update {name} --KEY=VALUE`"
                )
            self._insert(name, values, now)
        return self.get(name)

    def _insert(self, name: str, values: dict[str, str], now: float) -> None:
        self._db.execute(
            "INSERT INTO secrets VALUES (?, ?, ?, ?, ?)",
            (name, str(uuid.uuid4()), json.dumps(values), now, now),
        )

    def get(self, name: str) -> SecretRecord:
        """One secret, or EntityNotFoundError."""
        with self._lock:
            row = self._db.execute("SELECT * FROM secrets WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise EntityNotFoundError(f"no secret named {name!r}; see `flavorhost secret list`")
        return self._record(row)

    def all(self) -> list[SecretRecord]:
        """Every secret, sorted by name."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM secrets ORDER BY name").fetchall()
        return [self._record(row) for row in rows]

    def put(self, name: str, values: dict[str, str]) -> SecretRecord:
        """Creates a secret or sets keys of an existing one (used for literal secret fields)."""
        check_secret_name(name)
        now = time.time()
        with self._lock, self._db:
            row = self._db.execute("SELECT * FROM secrets WHERE name = ?", (name,)).fetchone()
            if row is None:
                self._insert(name, values, now)
            else:
                merged = {**json.loads(row["secret_values"]), **values}
                self._db.execute(
                    "UPDATE secrets SET secret_values = ?, updated = ? WHERE name = ?",
                    (json.dumps(merged), now, name),
                )
        return self.get(name)

    def update(self, name: str, values: dict[str, str], remove: list[str]) -> SecretRecord:
        """Sets and removes keys of an existing secret."""
        current = self.get(name)
        missing = [key for key in remove if key not in current.values]
        if missing:
            raise ValueError(f"secret {name!r} has no key(s) {', '.join(missing)}")
        merged = {k: v for k, v in {**current.values, **values}.items() if k not in remove}
        if not merged:
            raise ValueError(f"secret {name!r} would have no keys left; delete it instead")
        with self._lock, self._db:
            self._db.execute(
                "UPDATE secrets SET secret_values = ?, updated = ? WHERE name = ?",
                (json.dumps(merged), time.time(), name),
            )
        return self.get(name)

    def delete(self, name: str) -> None:
        """Removes a secret."""
        self.get(name)
        with self._lock, self._db:
            self._db.execute("DELETE FROM secrets WHERE name = ?", (name,))
