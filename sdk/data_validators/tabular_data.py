"""Tables as they cross to a data validator's sidecar: CSV text with a header row.

The format is specified in protos/flavorhost/v1/data_validator.proto: UTF-8, RFC 4180, the
first row names the columns (non-empty, unique), an empty field is a missing value, no index
column. `to_csv` writes what users naturally pass (a pandas DataFrame, a list of row dicts, CSV
bytes, the path of a CSV file) in that format; `TabularData` reads it back in the sidecar.
"""

from __future__ import annotations

import csv
import importlib
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ACCEPTED = "a pandas DataFrame, a list of row dicts, CSV bytes or the path of a CSV file"


class TabularData:
    """A table read from its CSV text: column names, and rows of text values (None: missing)."""

    def __init__(self, csv_bytes: bytes, what: str = "dataset") -> None:
        self.csv = csv_bytes
        self.columns, self.rows = _parse(csv_bytes, what)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str | None]:
        """The values of one column, in row order."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str | None]]:
        """The rows as dicts by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame, for flavors that list pandas in their requirements."""
        pandas = importlib.import_module("pandas")  # only flavors that need it install it
        return pandas.read_csv(io.BytesIO(self.csv), keep_default_na=False, na_values=[""])


def _parse(data: bytes, what: str) -> tuple[list[str], list[list[str | None]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{what} is not UTF-8 CSV text: {error}") from None
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ValueError(f"{what} is not valid CSV: {error}") from None
    if not lines:
        raise ValueError(f"{what} is empty: a CSV table needs at least its header row")
    header = lines[0]
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            raise ValueError(f"{what}: column {index} of the header row has no name")
        if name in seen:
            raise ValueError(f"{what}: column {name!r} appears twice in the header row")
        seen.add(name)
    rows: list[list[str | None]] = []
    for number, fields in enumerate(lines[1:], start=2):
        if len(fields) != len(header):
            raise ValueError(
                f"{what}: line {number} has {len(fields)} fields, the header {len(header)}"
            )
        rows.append([field if field != "" else None for field in fields])
    return header, rows


def to_csv(value: Any, what: str = "dataset") -> bytes:
    """`value` in the wire's CSV format; TypeError for what cannot be a table."""
    if isinstance(value, TabularData):
        return value.csv
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str | os.PathLike):
        return _read_file(Path(value), what)
    # A pandas DataFrame, recognised without importing pandas (the client may not have it).
    if type(value).__module__.partition(".")[0] == "pandas" and hasattr(value, "to_csv"):
        written: str = value.to_csv(index=False, lineterminator="\n")
        return written.encode("utf-8")
    if isinstance(value, Sequence) and all(isinstance(row, Mapping) for row in value):
        return _write_rows(value, what)
    raise TypeError(f"{what} must be {ACCEPTED}, not {type(value).__name__}")


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{what}: no CSV file at {str(path)!r}; pass {ACCEPTED} (for a file in a remote "
            "artifact store, pass the bytes you read with its open(path, 'rb'))"
        ) from None


def _write_rows(rows: Sequence[Mapping[str, Any]], what: str) -> bytes:
    columns: dict[str, None] = {}  # in order of first appearance
    for row in rows:
        for key in row:
            if not isinstance(key, str) or not key:
                raise TypeError(f"{what}: column names must be non-empty strings, not {key!r}")
            columns.setdefault(key)
    if not columns:
        raise ValueError(f"{what} has no columns: pass at least one row with a value")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_field(row.get(name)) for name in columns)
    return out.getvalue().encode("utf-8")


def _field(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN: missing
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
