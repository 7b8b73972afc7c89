"""Manifest flavors' configs (JSON Schema) validate, parse and mask like pydantic configs do."""

from typing import Any, Optional

import pytest

from flavorhost.config_schemas import JsonSchemaConfig, PydanticConfigSchema
from flavorhost.configs import mask_secrets
from flavorhost.errors import ConfigValidationError
from flavorhost.secrets import SecretField
from flavorhost.stack.stack_component import StackComponentConfig

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "Where files go."},
        "retries": {"type": "integer", "minimum": 0, "default": 3},
        "token": {"type": ["string", "null"], "default": None, "flavorhost_secret": True},
        "tags": {"type": "array", "items": {"type": "string"}, "default": []},
        "options": {
            "type": "object",
            "properties": {"region": {"type": "string"}},
            "required": ["region"],
        },
    },
    "required": ["path"],
    "additionalProperties": False,
}


class StoreConfig(StackComponentConfig):
    """The same config as a pydantic class."""

    path: str
    retries: int = 3
    token: Optional[str] = SecretField(default=None)


@pytest.fixture
def schema() -> JsonSchemaConfig:
    return JsonSchemaConfig(SCHEMA)


def _error(schema: JsonSchemaConfig, values: dict[str, Any]) -> ConfigValidationError:
    with pytest.raises(ConfigValidationError) as caught:
        schema.validate(values, "memory")
    return caught.value


def test_defaults_fill_missing_fields(schema: JsonSchemaConfig) -> None:
    assert schema.validate({"path": "/data"}, "memory") == {
        "path": "/data",
        "retries": 3,
        "token": None,
        "tags": [],
    }


def test_missing_field_is_named_with_how_to_pass_it(schema: JsonSchemaConfig) -> None:
    error = _error(schema, {})
    assert str(error) == (
        "invalid config for flavor 'memory': field 'path' is required; pass --path=VALUE"
    )
    assert error.field == "path"


def test_unknown_field_is_named(schema: JsonSchemaConfig) -> None:
    error = _error(schema, {"path": "/d", "colour": "red"})
    assert "field 'colour' is not a field of flavor 'memory'" in str(error)
    with pytest.raises(ConfigValidationError, match="this flavor's fields are: path, retries"):
        schema.parse_cli_values({"colour": "red"})


def test_wrong_type_says_what_was_expected_and_what_came(schema: JsonSchemaConfig) -> None:
    error = _error(schema, {"path": "/d", "retries": "many"})
    assert "field 'retries': expected integer, got string \"many\"" in str(error)
    assert error.field == "retries"


def test_nested_field_path_and_every_problem_at_once(schema: JsonSchemaConfig) -> None:
    error = _error(schema, {"path": 5, "retries": -1, "options": {}, "tags": ["a", 2]})
    message = str(error)
    assert "field 'options.region' is required" in message
    assert "--region" not in message  # a nested field has no option of its own
    assert "field 'path': expected string, got integer 5" in message
    assert "field 'retries': -1 is less than the minimum of 0" in message
    assert "field 'tags.1': expected string, got integer 2" in message


def test_secret_values_never_appear_in_errors(schema: JsonSchemaConfig) -> None:
    message = str(_error(schema, {"path": "/d", "token": 12345678}))
    assert "12345678" not in message
    assert "field 'token': expected string | null, got integer" in message


def test_cli_values_are_typed_by_the_schema(schema: JsonSchemaConfig) -> None:
    parsed = schema.parse_cli_values(
        {"path": "123", "retries": "4", "token": "007", "tags": '["x"]', "options": "{bad"}
    )
    assert parsed == {"path": "123", "retries": 4, "token": "007", "tags": ["x"], "options": "{bad"}


def test_fields_and_secrets_are_described(schema: JsonSchemaConfig) -> None:
    fields = {f.name: f for f in schema.fields()}
    assert fields["path"].required and fields["path"].description == "Where files go."
    assert fields["retries"].default_json == "3" and not fields["retries"].required
    assert fields["token"].secret and fields["token"].type == "string | null"
    assert schema.secret_fields() == {"token"}
    assert mask_secrets(schema.secret_fields(), {"path": "/d", "token": "x"})["token"] != "x"


def test_pydantic_export_validates_the_same_way() -> None:
    """A Python flavor's exported schema accepts and refuses what its class does."""
    exported = JsonSchemaConfig(PydanticConfigSchema(StoreConfig).json_schema())
    assert exported.secret_fields() == {"token"}
    good = {"path": "/d", "retries": 1}
    assert exported.validate(good, "f") == PydanticConfigSchema(StoreConfig).validate(good, "f")
    for bad in ({}, {"path": "/d", "retries": "x"}, {"path": "/d", "extra": 1}):
        with pytest.raises(ConfigValidationError):
            PydanticConfigSchema(StoreConfig).validate(bad, "f")
        with pytest.raises(ConfigValidationError):
            exported.validate(bad, "f")


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ([], "must be a JSON Schema object"),
        ({"type": "array"}, 'give it "type": "object"'),
        ({"type": "object", "properties": {"a": {"type": "strin"}}}, "not a valid JSON Schema"),
        ({"type": "object", "required": ["a"]}, "requires 'a' but has no property"),
        (
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/nope"}}},
            "$ref '#/$defs/nope' points nowhere",
        ),
        (
            {"type": "object", "properties": {"k": {"type": "integer", "flavorhost_secret": True}}},
            "'k' is secret, so its type must be string",
        ),
        (
            {"type": "object", "properties": {"k": {"type": "string", "flavorhost_secret": "yes"}}},
            "flavorhost_secret must be true or false",
        ),
    ],
)
def test_unusable_schemas_are_refused(schema: Any, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        JsonSchemaConfig.check(schema)
    assert problem in str(caught.value)


def test_references_within_the_schema_resolve() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/port"}},
        "$defs": {"port": {"type": "integer"}},
    }
    JsonSchemaConfig.check(schema)
    assert "expected integer" in str(_error(JsonSchemaConfig(schema), {"a": "x"}))
