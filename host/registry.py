"""The registry: flavors, components, stacks and the active stack, in one SQLite file.

Every change is one transaction (WAL mode), so a host killed at any moment leaves a consistent
file. Names are unique per component type; a component is referenced by id from stacks.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.errors import EntityExistsError, EntityInUseError, EntityNotFoundError

SCHEMA = """
CREATE TABLE IF NOT EXISTS flavors (
    type TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, source_root TEXT NOT NULL,
    builtin INTEGER NOT NULL, created REAL NOT NULL, requirements TEXT NOT NULL DEFAULT '[]',
    python TEXT NOT NULL DEFAULT '', PRIMARY KEY (type, name));
CREATE TABLE IF NOT EXISTS components (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, flavor TEXT NOT NULL,
    config TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    call_timeout REAL NOT NULL DEFAULT 0, UNIQUE (type, name));
CREATE TABLE IF NOT EXISTS stacks (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS stack_members (
    stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
    type TEXT NOT NULL, component_id TEXT NOT NULL REFERENCES components (id),
    PRIMARY KEY (stack_id, type));
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Columns added after a registry file may have been created, with their definitions.
ADDED_COLUMNS = {
    "components": {"call_timeout": "REAL NOT NULL DEFAULT 0"},
    "flavors": {"manifest": "TEXT NOT NULL DEFAULT ''"},
}
ACTIVE_STACK = "active_stack"


@dataclass(frozen=True)
class FlavorRecord:
    """A registered flavor."""

    type: StackComponentType
    name: str
    source: str
    source_root: str
    builtin: bool
    requirements: tuple[str, ...] = ()
    python: str = ""
    # For a flavor registered by manifest: the manifest's JSON, as read at registration (then
    # `source` is the manifest file's absolute path and `source_root` is empty).
    manifest: str = ""


@dataclass(frozen=True)
class ComponentRecord:
    """A registered component; `config` holds the validated values as stored."""

    id: str
    type: StackComponentType
    name: str
    flavor: str
    config: dict[str, Any]
    created: float
    updated: float
    # Seconds; 0 means the host's default.
    call_timeout: float = 0.0


@dataclass(frozen=True)
class StackRecord:
    """A registered stack and its components by type."""

    id: str
    name: str
    members: dict[StackComponentType, ComponentRecord]


def check_call_timeout(seconds: float) -> None:
    """Refuses a call deadline that is negative or not a finite number (0 = the default)."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"a call timeout must be a positive number of seconds (or 0 for the host's "
            f"default), not {seconds}; pass e.g. --call-timeout 60"
        )


def _label(kind: StackComponentType) -> str:
    return kind.value.replace("_", " ")


def _a(kind: StackComponentType) -> str:
    """`a` or `an` and the type's label: `an artifact store`, `a step operator`."""
    label = _label(kind)
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def open_database(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to the registry file for any thread (callers serialize with a lock), in WAL
    mode with foreign keys enforced, with `schema`'s tables created if missing."""
    db = sqlite3.connect(path, check_same_thread=False, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(schema)
    return db


class Registry:
    """Thread-safe access to the registry file."""

    def __init__(self, path: Path) -> None:
        self._db = open_database(path, SCHEMA)
        self._lock = threading.RLock()
        with self._lock:
            self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Upgrades a registry file made by an earlier flavorhost, in place."""
        with self._db:
            for table, columns in ADDED_COLUMNS.items():
                present = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
                for column, definition in columns.items():
                    if column not in present:
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def close(self) -> None:
        """Closes the file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    # --- flavors ----------------------------------------------------------------------------

    def put_flavor(self, flavor: FlavorRecord, replace: bool = False) -> None:
        """Records a flavor; EntityExistsError for a taken name unless `replace`."""
        with self._transaction() as db:
            existing = self._flavor_row(db, flavor.type, flavor.name)
            if existing is not None and not replace:
                raise EntityExistsError(
                    f"{_a(flavor.type)} flavor named {flavor.name!r} is already registered "
                    f"(from {existing['source']}); give your flavor another name, or delete that "
                    f"one with `flavorhost {flavor.type.cli_name} flavor delete {flavor.name}`"
                )
            db.execute(
                "INSERT OR REPLACE INTO flavors (type, name, source, source_root, builtin, "
                "created, requirements, python, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    flavor.type.value,
                    flavor.name,
                    flavor.source,
                    flavor.source_root,
                    int(flavor.builtin),
                    time.time(),
                    json.dumps(list(flavor.requirements)),
                    flavor.python,
                    flavor.manifest,
                ),
            )

    @staticmethod
    def _flavor_row(db: sqlite3.Connection, kind: StackComponentType, name: str) -> Any:
        return db.execute(
            "SELECT * FROM flavors WHERE type = ? AND name = ?", (kind.value, name)
        ).fetchone()

    @staticmethod
    def _to_flavor(row: Any) -> FlavorRecord:
        return FlavorRecord(
            type=StackComponentType(row["type"]),
            name=row["name"],
            source=row["source"],
            source_root=row["source_root"],
            builtin=bool(row["builtin"]),
            requirements=tuple(json.loads(row["requirements"])),
            python=row["python"],
            manifest=row["manifest"],
        )

    def get_flavor(self, kind: StackComponentType, name: str) -> FlavorRecord:
        """One flavor, or EntityNotFoundError naming the command that lists them."""
        with self._lock:
            row = self._flavor_row(self._db, kind, name)
        if row is None:
            raise EntityNotFoundError(
                f"no {_label(kind)} flavor named {name!r}; see "
                f"`flavorhost {kind.cli_name} flavor list`, or register yours with "
                f"`flavorhost {kind.cli_name} flavor register <path.to.FlavorClass>`"
            )
        return self._to_flavor(row)

    def list_flavors(self, kind: StackComponentType | None = None) -> list[FlavorRecord]:
        """Flavors sorted by type and name."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM flavors WHERE ? IS NULL OR type = ? ORDER BY type, name",
                (kind and kind.value, kind and kind.value),
            ).fetchall()
        return [self._to_flavor(row) for row in rows]

    def delete_flavor(self, kind: StackComponentType, name: str) -> None:
        """Removes a custom flavor that no component uses."""
        with self._transaction() as db:
            flavor = self.get_flavor(kind, name)
            if flavor.builtin:
                raise EntityInUseError(f"{name!r} is a built-in flavor and cannot be deleted")
            users = [
                row["name"]
                for row in db.execute(
                    "SELECT name FROM components WHERE type = ? AND flavor = ? ORDER BY name",
                    (kind.value, name),
                )
            ]
            if users:
                raise EntityInUseError(
                    f"flavor {name!r} is used by the {_label(kind)}(s) {', '.join(users)}; "
                    f"delete them first with `flavorhost {kind.cli_name} delete NAME`"
                )
            db.execute("DELETE FROM flavors WHERE type = ? AND name = ?", (kind.value, name))

    # --- components -------------------------------------------------------------------------

    @staticmethod
    def _to_component(row: Any) -> ComponentRecord:
        return ComponentRecord(
            id=row["id"],
            type=StackComponentType(row["type"]),
            name=row["name"],
            flavor=row["flavor"],
            config=json.loads(row["config"]),
            created=row["created"],
            updated=row["updated"],
            call_timeout=row["call_timeout"],
        )

    def add_component(
        self,
        kind: StackComponentType,
        name: str,
        flavor: str,
        config: dict[str, Any],
        call_timeout: float = 0.0,
    ) -> ComponentRecord:
        """Records a new component (its flavor must exist)."""
        if not name:
            raise ValueError(f"{_a(kind)} needs a non-empty name")
        check_call_timeout(call_timeout)
        now = time.time()
        record = ComponentRecord(
            str(uuid.uuid4()), kind, name, flavor, config, now, now, call_timeout
        )
        with self._transaction() as db:
            self.get_flavor(kind, flavor)
            self.check_component_name_free(kind, name)
            db.execute(
                "INSERT INTO components (id, type, name, flavor, config, created, updated, "
                "call_timeout) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, kind.value, name, flavor, json.dumps(config), now, now, call_timeout),
            )
        return record

    def check_component_name_free(self, kind: StackComponentType, name: str) -> None:
        """EntityExistsError if a component of this type has the name."""
        with self._lock:
            taken = self._component_row(self._db, kind, name) is not None
        if taken:
            raise EntityExistsError(
                f"{_a(kind)} named {name!r} exists already; choose another name, or "
                f"change it with `flavorhost {kind.cli_name} update {name} --FIELD=VALUE`"
            )

    @staticmethod
    def _component_row(db: sqlite3.Connection, kind: StackComponentType, name: str) -> Any:
        return db.execute(
            "SELECT * FROM components WHERE type = ? AND name = ?", (kind.value, name)
        ).fetchone()

    def get_component(self, kind: StackComponentType, name: str) -> ComponentRecord:
        """One component, or EntityNotFoundError naming the command that lists them."""
        with self._lock:
            row = self._component_row(self._db, kind, name)
        if row is None:
            raise EntityNotFoundError(
                f"no {_label(kind)} named {name!r}; see `flavorhost {kind.cli_name} list`"
            )
        return self._to_component(row)

    def list_components(self, kind: StackComponentType | None = None) -> list[ComponentRecord]:
        """Components sorted by type and name."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM components WHERE ? IS NULL OR type = ? ORDER BY type, name",
                (kind and kind.value, kind and kind.value),
            ).fetchall()
        return [self._to_component(row) for row in rows]

    def update_component(
        self,
        kind: StackComponentType,
        name: str,
        config: dict[str, Any],
        call_timeout: float | None = None,
    ) -> ComponentRecord:
        """Replaces a component's config, and its call deadline unless `call_timeout` is None."""
        with self._transaction() as db:
            current = self.get_component(kind, name)
            if call_timeout is None:
                call_timeout = current.call_timeout
            check_call_timeout(call_timeout)
            db.execute(
                "UPDATE components SET config = ?, updated = ?, call_timeout = ? "
                "WHERE type = ? AND name = ?",
                (json.dumps(config), time.time(), call_timeout, kind.value, name),
            )
        return self.get_component(kind, name)

    def delete_component(self, kind: StackComponentType, name: str) -> ComponentRecord:
        """Removes a component that no stack uses."""
        with self._transaction() as db:
            component = self.get_component(kind, name)
            stacks = [
                row["name"]
                for row in db.execute(
                    "SELECT s.name FROM stacks s JOIN stack_members m ON m.stack_id = s.id "
                    "WHERE m.component_id = ? ORDER BY s.name",
                    (component.id,),
                )
            ]
            if stacks:
                raise EntityInUseError(
                    f"{_label(kind)} {name!r} is used by the stack(s) {', '.join(stacks)}; "
                    "delete those stacks first with `flavorhost stack delete NAME`"
                )
            db.execute("DELETE FROM components WHERE id = ?", (component.id,))
        return component

    # --- stacks -----------------------------------------------------------------------------

    def add_stack(self, name: str, members: dict[StackComponentType, str]) -> StackRecord:
        """Records a stack from component names by type; an artifact store is required."""
        if not name:
            raise ValueError("a stack needs a non-empty name")
        if StackComponentType.ARTIFACT_STORE not in members:
            raise ValueError(
                f"stack {name!r} needs an artifact store; pass --artifact-store/-a NAME"
            )
        stack_id = str(uuid.uuid4())
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM stacks WHERE name = ?", (name,)).fetchone():
                raise EntityExistsError(
                    f"a stack named {name!r} exists already; choose another name"
                )
            components = {kind: self.get_component(kind, c) for kind, c in members.items()}
            db.execute("INSERT INTO stacks VALUES (?, ?, ?)", (stack_id, name, time.time()))
            db.executemany(
                "INSERT INTO stack_members VALUES (?, ?, ?)",
                [(stack_id, kind.value, c.id) for kind, c in components.items()],
            )
        return self.get_stack(name)

    def get_stack(self, name: str) -> StackRecord:
        """One stack, or EntityNotFoundError."""
        with self._lock:
            row = self._db.execute("SELECT * FROM stacks WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise EntityNotFoundError(f"no stack named {name!r}; see `flavorhost stack list`")
            members = self._db.execute(
                "SELECT c.* FROM stack_members m JOIN components c ON c.id = m.component_id "
                "WHERE m.stack_id = ? ORDER BY c.type",
                (row["id"],),
            ).fetchall()
        records = [self._to_component(member) for member in members]
        return StackRecord(row["id"], row["name"], {r.type: r for r in records})

    def list_stacks(self) -> list[StackRecord]:
        """Every stack, sorted by name."""
        with self._lock:
            names = [r["name"] for r in self._db.execute("SELECT name FROM stacks ORDER BY name")]
        return [self.get_stack(name) for name in names]

    def delete_stack(self, name: str) -> None:
        """Removes a stack other than the active one."""
        with self._transaction() as db:
            stack = self.get_stack(name)
            if self.active_stack_name() == name:
                raise EntityInUseError(
                    f"stack {name!r} is the active stack; activate another one first with "
                    "`flavorhost stack set NAME`"
                )
            db.execute("DELETE FROM stacks WHERE id = ?", (stack.id,))

    def active_stack_name(self) -> str | None:
        """The active stack's name, if one was set."""
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM settings WHERE key = ?", (ACTIVE_STACK,)
            ).fetchone()
        return row["value"] if row else None

    def set_active_stack(self, name: str) -> StackRecord:
        """Makes a stack the active one."""
        with self._transaction() as db:
            stack = self.get_stack(name)
            db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (ACTIVE_STACK, stack.name))
        return stack
