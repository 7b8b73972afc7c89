"""The `local` model registry's implementation: one SQLite file, a connection per call.

Versions without a name are numbered per model ("1", "2", ...), never reusing a number, even of
a deleted version; a numeric version given explicitly moves the count past it. Stages may move
from any stage to any other, as in ZenML.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flavorhost.errors import EntityExistsError, EntityNotFoundError
from flavorhost.flavors.local_model_registry.flavor import LocalModelRegistryConfig
from flavorhost.home import flavorhost_home
from flavorhost.model_registries import (
    BaseModelRegistry,
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)

DB_FILE = "models.db"
BUSY_TIMEOUT_SECONDS = 30.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    name TEXT PRIMARY KEY,
    description TEXT,
    metadata TEXT NOT NULL,
    next_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    model_source_uri TEXT NOT NULL,
    model_format TEXT NOT NULL,
    model_library TEXT,
    description TEXT,
    metadata TEXT NOT NULL,
    stage TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_updated_at INTEGER NOT NULL,
    UNIQUE (model, version)
);
"""
VERSION_COLUMNS = (
    "v.version, v.model_source_uri, v.model_format, v.model_library, v.description, "
    "v.metadata, v.stage, v.created_at, v.last_updated_at, "
    "m.name AS model_name, m.description AS model_description, m.metadata AS model_metadata"
)
ORDERS = {None: "v.seq", "asc": "v.created_at, v.seq", "desc": "v.created_at DESC, v.seq DESC"}


def _holds(metadata: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(metadata.get(key) == value for key, value in wanted.items())


def _edited(current: str, merged: Mapping[str, str] | None, removed: list[str] | None) -> str:
    values = {**json.loads(current), **(merged or {})}
    for key in removed or []:
        values.pop(key, None)
    return json.dumps(values, sort_keys=True)


# Times are kept as integer microseconds since the epoch, the precision of datetime, so a time
# read back from a version filters exactly that version.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _time(microseconds: int) -> datetime:
    return EPOCH + microseconds * MICROSECOND


def _microseconds(moment: datetime) -> int:
    """A naive datetime is local time, as datetime.timestamp() reads it."""
    return (moment.astimezone(UTC) - EPOCH) // MICROSECOND


def _model(row: sqlite3.Row, prefix: str = "") -> RegisteredModel:
    return RegisteredModel(
        name=row[f"{prefix}name"],
        description=row[f"{prefix}description"],
        metadata=json.loads(row[f"{prefix}metadata"]),
    )


def _version(row: sqlite3.Row) -> RegistryModelVersion:
    return RegistryModelVersion(
        registered_model=_model(row, "model_"),
        version=row["version"],
        model_source_uri=row["model_source_uri"],
        model_format=row["model_format"],
        model_library=row["model_library"],
        description=row["description"],
        created_at=_time(row["created_at"]),
        last_updated_at=_time(row["last_updated_at"]),
        stage=ModelVersionStage(row["stage"]),
        metadata=ModelRegistryModelMetadata.model_validate(json.loads(row["metadata"])),
    )


class LocalModelRegistry(BaseModelRegistry):
    """Keeps models and versions in `path/models.db`."""

    @property
    def config(self) -> LocalModelRegistryConfig:
        """The registry's config."""
        config = self._config
        assert isinstance(config, LocalModelRegistryConfig)
        return config

    @property
    def folder(self) -> Path:
        """Where the registry's file is."""
        if self.config.path:
            return Path(self.config.path)
        return flavorhost_home() / "model_registries" / str(self.id)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Created when the sidecar configures the component, so a folder it cannot write fails
        # the first call with the reason.
        self.folder.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.folder / DB_FILE, timeout=BUSY_TIMEOUT_SECONDS)) as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (holding the write lock if `write`), committed on
        success."""
        connection = sqlite3.connect(
            self.folder / DB_FILE, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
        connection.row_factory = sqlite3.Row
        try:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    # --- lookups, with errors that name what is missing ----------------------------------

    def _model_row(self, db: sqlite3.Connection, name: str) -> sqlite3.Row:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM models WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise EntityNotFoundError(
                f"model registry {self.name!r} has no model {name!r}; register it first "
                "(list_models shows the models)"
            )
        return row

    def _version_row(self, db: sqlite3.Connection, name: str, version: str) -> sqlite3.Row:
        self._model_row(db, name)
        row: sqlite3.Row | None = db.execute(
            f"SELECT {VERSION_COLUMNS} FROM versions v JOIN models m ON m.name = v.model "
            "WHERE v.model = ? AND v.version = ?",
            (name, version),
        ).fetchone()
        if row is None:
            listed = db.execute(
                "SELECT version FROM versions WHERE model = ? ORDER BY seq", (name,)
            )
            known = [r[0] for r in listed]
            raise EntityNotFoundError(
                f"model {name!r} of model registry {self.name!r} has no version {version!r} "
                f"(its versions: {', '.join(known) or 'none'})"
            )
        return row

    # --- registered models ----------------------------------------------------------------

    def register_model(
        self, name: str, description: str | None = None, metadata: dict[str, str] | None = None
    ) -> RegisteredModel:
        """Registers a model; EntityExistsError if one of that name is registered."""
        with self._transaction(write=True) as db:
            try:
                db.execute(
                    "INSERT INTO models VALUES (?, ?, ?, 1)",
                    (name, description, json.dumps(metadata or {}, sort_keys=True)),
                )
            except sqlite3.IntegrityError:
                raise EntityExistsError(
                    f"model {name!r} is registered already in model registry {self.name!r}; "
                    "change it with update_model, or register another name"
                ) from None
            return _model(self._model_row(db, name))

    def delete_model(self, name: str) -> None:
        """Deletes a model and all its versions."""
        with self._transaction(write=True) as db:
            self._model_row(db, name)
            db.execute("DELETE FROM versions WHERE model = ?", (name,))
            db.execute("DELETE FROM models WHERE name = ?", (name,))

    def update_model(
        self,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        remove_metadata: list[str] | None = None,
    ) -> RegisteredModel:
        """Replaces the description if given, merges `metadata`, then drops `remove_metadata`."""
        with self._transaction(write=True) as db:
            row = self._model_row(db, name)
            db.execute(
                "UPDATE models SET description = ?, metadata = ? WHERE name = ?",
                (
                    row["description"] if description is None else description,
                    _edited(row["metadata"], metadata, remove_metadata),
                    name,
                ),
            )
            return _model(self._model_row(db, name))

    def get_model(self, name: str) -> RegisteredModel:
        """One registered model."""
        with self._transaction() as db:
            return _model(self._model_row(db, name))

    def list_models(
        self, name: str | None = None, metadata: dict[str, str] | None = None
    ) -> list[RegisteredModel]:
        """The models of that name, and whose metadata hold every pair of `metadata`."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT * FROM models WHERE ? IS NULL OR name = ? ORDER BY name", (name, name)
            ).fetchall()
        models = [_model(row) for row in rows]
        return [m for m in models if _holds(m.metadata, metadata or {})]

    # --- model versions -------------------------------------------------------------------

    def register_model_version(
        self,
        name: str,
        version: str | None = None,
        model_source_uri: str | None = None,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        model_format: str | None = None,
        model_library: str | None = None,
    ) -> RegistryModelVersion:
        """Registers a version (and the model, if it is not registered); numbers it if
        `version` is None."""
        if not model_source_uri:
            raise ValueError(
                f"model_source_uri is required to register a version of {name!r}: where the "
                "model is, e.g. a pipeline artifact's uri"
            )
        now = _microseconds(datetime.now(UTC))
        with self._transaction(write=True) as db:
            db.execute("INSERT OR IGNORE INTO models VALUES (?, NULL, '{}', 1)", (name,))
            counter = int(self._model_row(db, name)["next_version"])
            version = str(counter) if version is None else version
            if version.isascii() and version.isdecimal():
                counter = max(counter, int(version) + 1)
            try:
                db.execute(
                    "INSERT INTO versions (model, version, model_source_uri, model_format, "
                    "model_library, description, metadata, stage, created_at, last_updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        version,
                        model_source_uri,
                        model_format or "",
                        model_library,
                        description,
                        json.dumps(metadata.as_strings() if metadata else {}, sort_keys=True),
                        ModelVersionStage.NONE.value,
                        now,
                        now,
                    ),
                )
            except sqlite3.IntegrityError:
                raise EntityExistsError(
                    f"model {name!r} of model registry {self.name!r} has a version {version!r} "
                    "already; register the new model under another version, or leave version "
                    "unset to number it"
                ) from None
            db.execute("UPDATE models SET next_version = ? WHERE name = ?", (counter, name))
            return _version(self._version_row(db, name, version))

    def delete_model_version(self, name: str, version: str) -> None:
        """Deletes one version."""
        with self._transaction(write=True) as db:
            self._version_row(db, name, version)
            db.execute("DELETE FROM versions WHERE model = ? AND version = ?", (name, version))

    def update_model_version(
        self,
        name: str,
        version: str,
        description: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        remove_metadata: list[str] | None = None,
        stage: ModelVersionStage | None = None,
    ) -> RegistryModelVersion:
        """Replaces description and stage if given, merges `metadata`, drops `remove_metadata`."""
        with self._transaction(write=True) as db:
            row = self._version_row(db, name, version)
            db.execute(
                "UPDATE versions SET description = ?, metadata = ?, stage = ?, "
                "last_updated_at = ? WHERE model = ? AND version = ?",
                (
                    row["description"] if description is None else description,
                    _edited(
                        row["metadata"], metadata.as_strings() if metadata else {}, remove_metadata
                    ),
                    row["stage"] if stage is None else stage.value,
                    _microseconds(datetime.now(UTC)),
                    name,
                    version,
                ),
            )
            return _version(self._version_row(db, name, version))

    def list_model_versions(
        self,
        name: str | None = None,
        model_source_uri: str | None = None,
        metadata: ModelRegistryModelMetadata | None = None,
        stage: ModelVersionStage | None = None,
        count: int | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        order_by_date: str | None = None,
    ) -> list[RegistryModelVersion]:
        """The versions matching every filter given, ordered, at most `count`."""
        if order_by_date not in ORDERS:
            raise ValueError(f"order_by_date must be 'asc' or 'desc', not {order_by_date!r}")
        after = _microseconds(created_after) if created_after else None
        before = _microseconds(created_before) if created_before else None
        wanted = metadata.as_strings() if metadata else {}
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT {VERSION_COLUMNS} FROM versions v JOIN models m ON m.name = v.model "
                "WHERE (:name IS NULL OR v.model = :name) "
                "AND (:uri IS NULL OR v.model_source_uri = :uri) "
                "AND (:stage IS NULL OR v.stage = :stage) "
                "AND (:after IS NULL OR v.created_at >= :after) "
                "AND (:before IS NULL OR v.created_at <= :before) "
                f"ORDER BY {ORDERS[order_by_date]}",
                {
                    "name": name,
                    "uri": model_source_uri,
                    "stage": stage.value if stage else None,
                    "after": after,
                    "before": before,
                },
            ).fetchall()
        found = [row for row in rows if _holds(json.loads(row["metadata"]), wanted)]
        return [_version(row) for row in found[:count]]

    def get_model_version(self, name: str, version: str) -> RegistryModelVersion:
        """One version."""
        with self._transaction() as db:
            return _version(self._version_row(db, name, version))
