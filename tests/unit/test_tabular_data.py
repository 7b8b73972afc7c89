"""The CSV a data validator's datasets travel as: what the client writes, the sidecar reads."""

from __future__ import annotations

import math

import pytest

from flavorhost.data_validators import TabularData
from flavorhost.data_validators.tabular_data import to_csv


def test_row_dicts_round_trip_with_awkward_values() -> None:
    rows = [
        {"text": 'say "hi", then\nleave', "n": 1, "flag": True},
        {"text": "plain", "n": None, "extra": math.nan},
    ]
    table = TabularData(to_csv(rows))
    assert table.columns == ["text", "n", "flag", "extra"]
    assert table.records() == [
        {"text": 'say "hi", then\nleave', "n": "1", "flag": "true", "extra": None},
        {"text": "plain", "n": None, "flag": None, "extra": None},
    ]
    assert table.column("n") == ["1", None]
    assert len(table) == 2


def test_csv_bytes_pass_unchanged_and_a_header_alone_is_an_empty_table() -> None:
    assert to_csv(b"a,b\r\n1,2\r\n") == b"a,b\r\n1,2\r\n"
    table = TabularData(b"a,b\n")
    assert table.columns == ["a", "b"] and table.rows == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "dataset is empty"),
        (b"a,,c\n", "column 2 of the header row has no name"),
        (b"a,b\n1\n", "line 2 has 1 fields, the header 2"),
        (b"\xfe\n", "not UTF-8"),
    ],
)
def test_malformed_tables_say_where(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TabularData(data)


def test_rows_need_named_columns() -> None:
    with pytest.raises(ValueError, match="has no columns"):
        to_csv([{}])
    with pytest.raises(TypeError, match="column names must be non-empty strings"):
        to_csv([{1: "x"}])


def test_a_pandas_dataframe_is_written_without_its_index() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"a": [1.5, None], "b": ["x", "y"]}, index=[10, 11])
    assert TabularData(to_csv(frame)).records() == [
        {"a": "1.5", "b": "x"},
        {"a": None, "b": "y"},
    ]
