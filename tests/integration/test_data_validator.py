"""The data validator type end to end: the `column_stats` flavor's sidecar, the SDK proxy with
each kind of dataset users pass, and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.proxies.data_validator import DataValidatorProxy
from tests.conftest import Cli

DATA_VALIDATOR = StackComponentType.DATA_VALIDATOR
ROWS = [
    {"age": 30, "city": "Paris", "score": 0.5},
    {"age": 40, "city": "Lyon", "score": 0.7},
    {"age": 50, "city": "Paris", "score": None},
]
CSV = b"age,city,score\n30,Paris,0.5\n40,Lyon,0.7\n50,Paris,\n"


def _validator(client: Client, **config: Any) -> DataValidatorProxy:
    client.register_component(DATA_VALIDATOR, "stats", "column_stats", config=config or None)
    client.register_stack(
        "with-validator", {StackComponentType.ARTIFACT_STORE: "default", DATA_VALIDATOR: "stats"}
    )
    client.activate_stack("with-validator")
    validator = client.active_stack.data_validator
    assert validator is not None
    return validator


def _checks(result: dict[str, Any]) -> dict[str, bool]:
    return {check["name"]: check["passed"] for check in result["checks"]}


def test_profiling_describes_every_column(client: Client) -> None:
    profile = _validator(client).data_profiling(ROWS)
    assert profile["summary"] == {"rows": 3, "columns": 3, "column_names": ["age", "city", "score"]}
    age = profile["columns"]["age"]
    assert age["kind"] == "numeric" and (age["min"], age["max"], age["mean"]) == (30, 50, 40)
    assert age["median"] == 40 and age["stdev"] == pytest.approx(10.0)
    city = profile["columns"]["city"]
    assert city["kind"] == "text" and city["top"] == [["Paris", 2], ["Lyon", 1]]
    score = profile["columns"]["score"]
    assert (score["count"], score["missing"], score["mean"]) == (2, 1, pytest.approx(0.6))
    assert set(profile) == {"summary", "columns"}


def test_every_dataset_form_gives_the_same_profile(client: Client, tmp_path: Path) -> None:
    validator = _validator(client)
    path = tmp_path / "rows.csv"
    path.write_bytes(CSV)
    expected = validator.data_profiling(ROWS)
    assert validator.data_profiling(CSV) == expected
    assert validator.data_profiling(path) == expected
    assert validator.data_profiling(str(path)) == expected


def test_profiling_against_a_comparison_dataset_shows_drift(client: Client) -> None:
    validator = _validator(client)
    older = [{"age": 20, "city": "Nice"}, {"age": 30, "city": "Nice"}]
    profile = validator.data_profiling(ROWS, comparison_dataset=older)
    assert profile["comparison_summary"]["rows"] == 2
    assert profile["drift"]["age"]["comparison_mean"] == 25
    assert profile["drift"]["age"]["shift_in_stdevs"] == pytest.approx(15 / 7.0710678)
    assert set(validator.data_profiling(ROWS, older, profile_list=["drift"])) == {"drift"}
    assert validator.data_profiling(ROWS, profile_list=["summary"]) == {
        "summary": {"rows": 3, "columns": 3, "column_names": ["age", "city", "score"]}
    }


def test_validation_reports_each_check(client: Client) -> None:
    validator = _validator(client)
    result = validator.data_validation(ROWS)
    assert _checks(result) == {"missing_values": False, "duplicate_rows": True, "mixed_types": True}
    assert result["passed"] is False
    missing = result["checks"][0]
    assert missing["details"]["missing_fraction"]["score"] == pytest.approx(1 / 3)
    assert "score" in missing["message"]
    # A keyword argument overrides the config's threshold for one call.
    relaxed = validator.data_validation(ROWS, max_missing_fraction=0.5)
    assert relaxed["passed"] is True


def test_validation_finds_duplicates_and_mixed_types(client: Client) -> None:
    rows = [{"id": "1", "zip": "75001"}, {"id": "1", "zip": "75001"}, {"id": "2", "zip": "n/a"}]
    result = _validator(client).data_validation(rows, check_list=["duplicate_rows", "mixed_types"])
    assert _checks(result) == {"duplicate_rows": False, "mixed_types": False}
    assert result["checks"][0]["details"]["duplicate_rows"] == [2]
    assert result["checks"][1]["details"]["numeric_share"] == {"zip": pytest.approx(2 / 3)}


def test_validation_against_a_comparison_dataset(client: Client) -> None:
    validator = _validator(client, drift_threshold=2.0)
    close = [{"age": 35, "city": "Paris", "score": 0.6}, {"age": 45, "city": "Lyon", "score": 0.6}]
    result = validator.data_validation(ROWS, close, check_list=["same_columns", "mean_drift"])
    assert result["passed"] is True, result
    far = [{"age": 1, "city": "Paris"}, {"age": 2, "city": "Lyon"}]
    result = validator.data_validation(ROWS, far, check_list=["same_columns", "mean_drift"])
    assert _checks(result) == {"same_columns": False, "mean_drift": False}
    assert result["checks"][0]["details"]["new_columns"] == ["score"]
    defaults = validator.data_validation(ROWS, comparison_dataset=close)
    assert list(_checks(defaults)) == [
        "missing_values",
        "duplicate_rows",
        "mixed_types",
        "same_columns",
        "mean_drift",
    ]


def test_model_validation_is_not_offered_and_says_why(client: Client) -> None:
    validator = _validator(client)
    with pytest.raises(NotImplementedError, match=r"checks data only.*Use data_validation"):
        validator.model_validation(ROWS, "/models/model.pkl")
    with pytest.raises(TypeError, match="model must be the URI or path"):
        validator.model_validation(ROWS, object())


def test_bad_datasets_and_arguments_name_the_problem(client: Client, tmp_path: Path) -> None:
    validator = _validator(client)
    with pytest.raises(ValueError, match="dataset: column 'a' appears twice in the header row"):
        validator.data_profiling(b"a,a\n1,2\n")
    with pytest.raises(ValueError, match="comparison_dataset: line 3 has 1 fields, the header 2"):
        validator.data_profiling(CSV, comparison_dataset=b"a,b\n1,2\n3\n")
    with pytest.raises(ValueError, match="dataset is empty"):
        validator.data_profiling(b"")
    with pytest.raises(ValueError, match="not UTF-8 CSV"):
        validator.data_profiling(b"a\n\xff\n")
    with pytest.raises(FileNotFoundError, match=r"no CSV file at .*pass a pandas DataFrame"):
        validator.data_profiling(str(tmp_path / "missing.csv"))
    with pytest.raises(TypeError, match="dataset must be a pandas DataFrame, a list of row dicts"):
        validator.data_profiling(42)
    with pytest.raises(ValueError, match=r"unknown check 'nulls'.*knows missing_values"):
        validator.data_validation(ROWS, check_list=["nulls"])
    with pytest.raises(ValueError, match=r"'mean_drift' compares two datasets.*comparison_dataset"):
        validator.data_validation(ROWS, check_list=["mean_drift"])
    with pytest.raises(ValueError, match="unknown profile 'histogram'"):
        validator.data_profiling(ROWS, profile_list=["histogram"])
    with pytest.raises(TypeError, match="check_list must be a list of names"):
        validator.data_validation(ROWS, check_list="missing_values")
    with pytest.raises(ValueError, match="'tolerance' is not one of its fields"):
        validator.data_validation(ROWS, tolerance=0.1)
    with pytest.raises(ValueError, match="'max_missing_fraction'"):
        validator.data_validation(ROWS, max_missing_fraction=2)


def test_a_bad_threshold_is_refused_at_registration(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="max_missing_fraction"):
        client.register_component(
            DATA_VALIDATOR, "bad", "column_stats", config={"max_missing_fraction": 1.5}
        )


def test_a_stack_without_a_data_validator_has_none(client: Client) -> None:
    assert client.active_stack.data_validator is None


def test_cli_registers_and_describes_a_data_validator(cli: Cli) -> None:
    described = cli("data-validator", "flavor", "describe", "column_stats").stdout
    assert "drift_threshold" in described and "max_missing_fraction" in described
    cli("data-validator", "register", "checks", "--flavor=column_stats", "--drift_threshold=3")
    assert "drift_threshold" in cli("data-validator", "describe", "checks").stdout
    cli("stack", "register", "validating", "-a", "default", "-dv", "checks")
    cli("stack", "set", "validating")
    with Client(cli.home) as client:
        validator = client.active_stack.data_validator
        assert validator is not None and validator.config["drift_threshold"] == 3
        assert validator.data_validation(ROWS, max_missing_fraction=0.5)["passed"] is True
