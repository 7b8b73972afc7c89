"""Dataframes on the wire: a `Table` message (column names, rows as a JSON array of arrays).

Both sides use it: the SDK turns rows (or a pandas DataFrame, converted to rows first) into a
Table, the sidecar turns it back into rows, and the other way round for answers. Values must be
JSON values; datetimes become ISO 8601 text, NaN and NaT become null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from flavorhost.generated.v1 import feature_store_pb2 as pb

Rows = list[dict[str, Any]]


def json_value(value: Any, where: str) -> Any:
    """`value` as a JSON value; TypeError naming `where` if it has none."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date)):
        try:
            return value.isoformat()
        except ValueError:  # pandas' NaT
            return None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return json_value(item(), where)
    if type(value).__name__ == "NaTType":
        return None
    raise TypeError(
        f"{where} is a {type(value).__name__}; feature tables hold JSON values (numbers, text, "
        "booleans, None) and datetimes"
    )


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every column of the rows, in first-seen order."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def to_table(
    rows: Sequence[Mapping[str, Any]], what: str, columns: list[str] | None = None
) -> pb.Table:
    """The Table of `rows` (dicts; a missing key is null)."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(
            f"{what} must be a list of dict rows or a pandas DataFrame, not {type(rows).__name__}"
        )
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"{what} row {index} is a {type(row).__name__}, not a dict")
    names = columns if columns is not None else columns_of(rows)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{what} column {name!r} must be named by a string")
    values = [
        [json_value(row.get(name), f"{what} row {index} column {name!r}") for name in names]
        for index, row in enumerate(rows)
    ]
    return pb.Table(columns=names, rows_json=json.dumps(values) if values else "")


def from_table(table: pb.Table, what: str) -> Rows:
    """The rows of a Table; ValueError if it is malformed."""
    columns = list(table.columns)
    if len(set(columns)) != len(columns):
        raise ValueError(f"{what} has a column name twice: {columns}")
    try:
        values = json.loads(table.rows_json) if table.rows_json else []
    except ValueError as error:
        raise ValueError(f"{what}'s rows_json is not JSON: {error}") from None
    if not isinstance(values, list):
        raise ValueError(f"{what}'s rows_json must be a JSON array of arrays")
    rows = []
    for index, row in enumerate(values):
        if not isinstance(row, list) or len(row) != len(columns):
            raise ValueError(f"{what} row {index} must be an array of {len(columns)} values")
        rows.append(dict(zip(columns, row, strict=True)))
    return rows
