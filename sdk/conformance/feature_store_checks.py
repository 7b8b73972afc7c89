"""Checks of flavorhost.v1.FeatureStore (feature_store.proto).

The protocol only reads features, and where they come from is the flavor's business, so the
checks of values need the kit's fixture view `conformance_drivers` (FIXTURE_ROWS) to be served:
the default config writes it for the `local` flavor (`write_fixture`); load the same rows into
another store to run them, or they SKIP. The checks of errors need no data.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC, datetime
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import on_threads, scratch_name
from flavorhost.generated.v1 import feature_store_pb2 as pb
from flavorhost.generated.v1 import feature_store_pb2_grpc

SERVICE = "flavorhost.v1.FeatureStore"
SUITE = Suite("feature_store", service=SERVICE)
S = grpc.StatusCode
INVALID = "INVALID_ARGUMENT"

VIEW = "conformance_drivers"
JOIN_KEY = "driver_id"
TIMESTAMP = "event_timestamp"
FEATURES = ("conv_rate", "trips", "city")
# The fixture view: (driver_id, event_timestamp, conv_rate, trips, city); None is missing.
FIXTURE_ROWS: list[tuple[int, str, float, int, str | None]] = [
    (1001, "2024-05-01T10:00:00+00:00", 0.5, 10, "Oslo"),
    (1002, "2024-05-01T12:00:00+00:00", 0.75, 5, None),
    (1001, "2024-05-02T10:00:00+00:00", 0.25, 20, "Bergen"),
]
REFS = [f"{VIEW}:{f}" for f in FEATURES]
OSLO: tuple[Any, ...] = (0.5, 10, "Oslo")
BERGEN: tuple[Any, ...] = (0.25, 20, "Bergen")
NOTHING: tuple[Any, ...] = (None, None, None)
# Entity rows (driver, as-of time) and the values the point-in-time join gives them, in an
# order that is neither by driver nor by time.
HISTORICAL: list[tuple[int, str, tuple[Any, ...]]] = [
    (1001, "2024-05-03T00:00:00+00:00", BERGEN),  # after both rows: the later one
    (1002, "2024-05-01T11:00:00+00:00", NOTHING),  # before its only row
    (1001, "2024-05-01T10:00:00+00:00", OSLO),  # exactly at a row's time: that row
    (1001, "2024-05-01T12:30:00+02:00", OSLO),  # 10:30 UTC, given with an offset
    (1003, "2024-05-02T00:00:00+00:00", NOTHING),  # a driver the view does not have
    (1002, "2024-05-02T00:00:00+00:00", (0.75, 5, None)),  # a missing value stays null
]
ONLINE: list[tuple[int, tuple[Any, ...]]] = [
    (1002, (0.75, 5, None)),
    (1001, BERGEN),
    (1003, NOTHING),
]


def write_fixture(folder: str) -> str:
    """Writes the fixture view as the `local` flavor reads it (`folder/VIEW.csv`)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{VIEW}.csv")
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([JOIN_KEY, TIMESTAMP, *FEATURES])
        for row in FIXTURE_ROWS:
            writer.writerow(["" if value is None else value for value in row])
    return path


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape, over a folder holding the fixture view."""
    folder = os.path.join(probe.temp, "feature_views")
    write_fixture(folder)
    return {"path": folder, "join_keys": [JOIN_KEY], "timestamp_field": TIMESTAMP}


def table(columns: list[str], rows: list[list[Any]]) -> pb.Table:
    """A Table message of plain rows."""
    return pb.Table(columns=columns, rows_json=json.dumps(rows) if rows else "")


def rows_of(answer: pb.Table, what: str) -> list[list[Any]]:
    """An answer's rows, checked to be a JSON array of arrays as long as its columns."""
    if len(set(answer.columns)) != len(answer.columns):
        raise CheckFailed(f"{what} names a column twice: {list(answer.columns)}")
    try:
        rows = json.loads(answer.rows_json) if answer.rows_json else []
    except ValueError as error:
        raise CheckFailed(f"{what}'s rows_json is not JSON: {error}") from None
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == len(answer.columns) for r in rows
    ):
        raise CheckFailed(f"{what}'s rows_json is not an array of rows as long as its columns")
    return rows


class Store(Service):
    """Calls of the feature store under test."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, feature_store_pb2_grpc.FeatureStoreStub)
        self.fixture = ""  # why the fixture checks cannot run, or '' when they can

    def needs_fixture(self) -> None:
        if self.fixture:
            raise Skip(self.fixture)


def _store(probe: Probe) -> Store:
    store: Store = probe.state["feature_store"]
    return store


def setup(probe: Probe) -> None:
    store = Store(probe)
    probe.state["feature_store"] = store
    request = pb.GetOnlineFeaturesRequest(entity_rows=table([JOIN_KEY], [[1001]]), features=REFS)
    try:
        store.raw("GetOnlineFeatures", request)
    except Exception as error:
        code = error.code().name if hasattr(error, "code") else type(error).__name__
        store.fixture = (
            f"the store does not serve the kit's fixture view {VIEW!r} ({code}); load "
            "flavorhost.conformance.feature_store_checks.FIXTURE_ROWS into it to check values"
        )


SUITE.setup = setup
SUITE.default_config = default_config


def _feature_columns(full: bool) -> list[str]:
    return [f"{VIEW}__{f}" if full else f for f in FEATURES]


def _instant(value: Any) -> Any:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _historical(store: Store, entities: list[tuple[int, str, Any]], full: bool) -> str:
    request = pb.GetHistoricalFeaturesRequest(
        entity_df=table([JOIN_KEY, TIMESTAMP], [[d, t] for d, t, _ in entities]),
        features=REFS,
        full_feature_names=full,
    )
    answer = store("GetHistoricalFeatures", request).table
    want_columns = [JOIN_KEY, TIMESTAMP, *_feature_columns(full)]
    if list(answer.columns) != want_columns:
        return f"columns {list(answer.columns)}, want {want_columns}"
    rows = rows_of(answer, "the historical answer")
    if len(rows) != len(entities):
        return f"{len(rows)} rows for {len(entities)} entity rows"
    for index, ((driver, at, values), row) in enumerate(zip(entities, rows, strict=True)):
        # The entity columns come back as given; a timestamp may be written another way.
        if row[0] != driver or _instant(row[1]) != _instant(at):
            return f"row {index} is {row[:2]}, want the entity row {[driver, at]} in its place"
        if tuple(row[2:]) != values:
            return f"row {index} ({driver} as of {at}) has {row[2:]}, want {list(values)}"
    return ""


@SUITE.check("historical features, point in time", "GetHistoricalFeatures")
def historical(probe: Probe) -> str:
    store = _store(probe)
    store.needs_fixture()
    for full in (False, True):
        problem = _historical(store, HISTORICAL, full)
        if problem:
            raise CheckFailed(f"full_feature_names={full}: {problem}")
    return f"{len(HISTORICAL)} entity rows, both column namings"


@SUITE.check("online features, latest", "GetOnlineFeatures")
def online(probe: Probe) -> str:
    store = _store(probe)
    store.needs_fixture()
    for full in (False, True):
        request = pb.GetOnlineFeaturesRequest(
            entity_rows=table([JOIN_KEY], [[d] for d, _ in ONLINE]),
            features=REFS,
            full_feature_names=full,
        )
        answer = store("GetOnlineFeatures", request).table
        want_columns = [JOIN_KEY, *_feature_columns(full)]
        if list(answer.columns) != want_columns:
            raise CheckFailed(f"columns {list(answer.columns)}, want {want_columns}")
        want = [[d, *values] for d, values in ONLINE]
        got = rows_of(answer, "the online answer")
        if got != want:
            raise CheckFailed(f"full_feature_names={full}: rows {got}, want {want}")
    return f"{len(ONLINE)} entity rows, both column namings"


@SUITE.check("no entity rows", ("GetHistoricalFeatures", "GetOnlineFeatures"))
def no_rows(probe: Probe) -> None:
    store = _store(probe)
    store.needs_fixture()
    historical = store(
        "GetHistoricalFeatures",
        pb.GetHistoricalFeaturesRequest(
            entity_df=table([JOIN_KEY, TIMESTAMP], []), features=REFS[:1]
        ),
    ).table
    online = store(
        "GetOnlineFeatures",
        pb.GetOnlineFeaturesRequest(entity_rows=table([JOIN_KEY], []), features=REFS[:1]),
    ).table
    for what, answer, columns in (
        ("historical", historical, [JOIN_KEY, TIMESTAMP, FEATURES[0]]),
        ("online", online, [JOIN_KEY, FEATURES[0]]),
    ):
        if rows_of(answer, f"the {what} answer"):
            raise CheckFailed(f"the {what} answer to no entity rows has rows")
        if list(answer.columns) != columns:
            raise CheckFailed(
                f"the {what} answer to no entity rows has columns {list(answer.columns)}, "
                f"want {columns}"
            )


def _both(store: Store, entity: pb.Table, features: list[str], why: str) -> None:
    """Both methods refuse the same bad arguments with INVALID_ARGUMENT."""
    store.expect(
        "GetHistoricalFeatures",
        pb.GetHistoricalFeaturesRequest(entity_df=entity, features=features),
        S.INVALID_ARGUMENT,
        INVALID,
        why,
    )
    store.expect(
        "GetOnlineFeatures",
        pb.GetOnlineFeaturesRequest(entity_rows=entity, features=features),
        S.INVALID_ARGUMENT,
        INVALID,
        why,
    )


@SUITE.check("unknown view or feature", ("GetHistoricalFeatures", "GetOnlineFeatures"))
def unknown(probe: Probe) -> str:
    store = _store(probe)
    entity = table([JOIN_KEY, TIMESTAMP], [[1001, "2024-05-03T00:00:00+00:00"]])
    view = scratch_name("view").replace("-", "_")
    _both(store, entity, [f"{view}:conv_rate"], f"with an unknown view {view}")
    if store.fixture:
        return "unknown view (the fixture's unknown feature not checked: no fixture)"
    _both(store, entity, [f"{VIEW}:no_such_feature"], "with an unknown feature")
    return "unknown view and unknown feature"


@SUITE.check("malformed tables and references", ("GetHistoricalFeatures", "GetOnlineFeatures"))
def malformed(probe: Probe) -> str:
    store = _store(probe)
    at = "2024-05-03T00:00:00+00:00"
    columns = [JOIN_KEY, TIMESTAMP]
    cases = [
        (pb.Table(columns=columns, rows_json="[[1001, "), "rows_json that is not JSON"),
        (pb.Table(columns=columns, rows_json='{"a": 1}'), "rows_json that is not an array"),
        (table(columns, [[1001, at, 3]]), "a row longer than the columns"),
        (table(columns, [[1001]]), "a row shorter than the columns"),
        (table([JOIN_KEY, JOIN_KEY, TIMESTAMP], [[1, 1, at]]), "a column named twice"),
    ]
    for entity, why in cases:
        _both(store, entity, REFS[:1], f"with {why}")
    _both(store, table(columns, [[1001, at]]), ["conv_rate"], "with a reference without VIEW:")
    return f"{len(cases) + 1} bad requests refused by both methods"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    store = _store(probe)
    store.needs_fixture()
    requests = {
        "GetHistoricalFeatures": pb.GetHistoricalFeaturesRequest(
            entity_df=table([JOIN_KEY, TIMESTAMP], [[d, t] for d, t, _ in HISTORICAL]),
            features=REFS,
        ),
        "GetOnlineFeatures": pb.GetOnlineFeaturesRequest(
            entity_rows=table([JOIN_KEY], [[d] for d, _ in ONLINE]), features=REFS
        ),
    }
    # The service only reads: what it holds is seen through its own answers.
    return store.idempotent(
        requests, lambda: store("GetOnlineFeatures", requests["GetOnlineFeatures"])
    )


@SUITE.check("concurrent calls", ("GetHistoricalFeatures", "GetOnlineFeatures"))
def concurrent(probe: Probe) -> str:
    store = _store(probe)
    store.needs_fixture()

    def one(index: int) -> str:
        # Each call asks for a different slice, so mixed-up answers show.
        start = index % len(HISTORICAL)
        entities = HISTORICAL[start:] + HISTORICAL[:start]
        return _historical(store, entities, index % 2 == 1)

    return on_threads(probe, probe.concurrency, one)
