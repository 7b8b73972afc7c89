"""Feature views read from CSV files: rows keyed by join keys, with parsed timestamps."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?")


def parse_timestamp(value: Any, where: str) -> datetime:
    """An ISO 8601 timestamp (text or datetime) in UTC; naive ones are taken as UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"{where}: {value!r} is not an ISO 8601 timestamp, e.g. 2024-05-01T10:00:00+00:00"
            ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def cell(text: str) -> Any:
    """A CSV value: null if empty, an int or float if it reads as one, else the text."""
    if text == "":
        return None
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


@dataclass
class ViewRow:
    """One line of a view: its join key text, time, features and line number (for ties)."""

    key: tuple[str, ...]
    timestamp: datetime
    values: dict[str, Any]
    line: int


@dataclass
class View:
    """A feature view: its join keys, feature names and rows grouped by key."""

    name: str
    join_keys: list[str]
    features: list[str]
    rows: dict[tuple[str, ...], list[ViewRow]]

    @classmethod
    def read(cls, path: Path, join_keys: list[str], timestamp_field: str) -> View:
        """Reads `path`; ValueError naming the file when its header lacks what a view needs."""
        with path.open(newline="") as file:
            reader = csv.reader(file)
            header = next(reader, None)
            if not header:
                raise ValueError(f"feature view file {path} is empty; it needs a header row")
            keys = [k for k in join_keys if k in header]
            if timestamp_field not in header or not keys:
                raise ValueError(
                    f"feature view file {path} needs a {timestamp_field!r} column and at least "
                    f"one join key column ({', '.join(join_keys)}); its header is {header}"
                )
            features = [c for c in header if c not in keys and c != timestamp_field]
            rows: dict[tuple[str, ...], list[ViewRow]] = {}
            for line, values in enumerate(reader, start=2):
                if not values:
                    continue
                if len(values) != len(header):
                    raise ValueError(
                        f"{path}:{line} has {len(values)} values for {len(header)} columns"
                    )
                record = dict(zip(header, values, strict=True))
                key = tuple(record[k] for k in keys)
                timestamp = parse_timestamp(record[timestamp_field], f"{path}:{line}")
                features_of_row = {f: cell(record[f]) for f in features}
                rows.setdefault(key, []).append(ViewRow(key, timestamp, features_of_row, line))
        for group in rows.values():
            group.sort(key=lambda r: (r.timestamp, r.line))
        return cls(path.stem, keys, features, rows)

    def latest(
        self, key: tuple[str, ...], until: datetime | None, since: datetime | None
    ) -> ViewRow | None:
        """The last row for `key` with a timestamp at or before `until` and after `since`."""
        chosen = None
        for row in self.rows.get(key, []):
            if until is not None and row.timestamp > until:
                break
            chosen = row
        if chosen is not None and since is not None and chosen.timestamp <= since:
            return None
        return chosen
