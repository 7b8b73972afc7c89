"""A flavor's config as the host sees it, whether declared by a pydantic class or a JSON Schema.

Python flavors declare their config with a pydantic class; flavors written in other languages
declare it in their manifest as JSON Schema. The host validates, describes, masks and parses CLI
values through this one interface, so both kinds behave the same at `register`, `update`,
`describe` and call time, with the same style of error: the field's path and what was expected.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema
from jsonschema.exceptions import ValidationError as SchemaValidationError
from pydantic import BaseModel

from flavorhost.configs import (
    FieldDescription,
    cli_value,
    describe_fields,
    parse_cli_values,
    secret_field_names,
    validate_config,
)
from flavorhost.errors import ConfigValidationError
from flavorhost.secrets import SECRET_MARKER

# JSON Schema types whose CLI text is taken as it is, not read as JSON.
TEXT_TYPES = {"string"}


class ConfigSchema(Protocol):
    """What the host does with a flavor's config, however the flavor declares it."""

    def fields(self) -> list[FieldDescription]:
        """The top-level fields, in declaration order."""

    def json_schema(self) -> dict[str, Any]:
        """The config as JSON Schema (what `flavor describe` and manifests show)."""

    def secret_fields(self) -> set[str]:
        """Names of the fields whose values are secret."""

    def parse_cli_values(self, raw: dict[str, str]) -> dict[str, Any]:
        """`--field=text` values as typed values; unknown fields are refused."""

    def validate(self, values: dict[str, Any], flavor: str) -> dict[str, Any]:
        """Every field's value as JSON data, defaults included; ConfigValidationError when the
        values do not fit, naming each bad field."""


class PydanticConfigSchema:
    """The config of a Python flavor: its pydantic config class."""

    def __init__(self, config_class: type[BaseModel]) -> None:
        self.config_class = config_class

    def fields(self) -> list[FieldDescription]:
        return describe_fields(self.config_class)

    def json_schema(self) -> dict[str, Any]:
        return self.config_class.model_json_schema()

    def secret_fields(self) -> set[str]:
        return secret_field_names(self.config_class)

    def parse_cli_values(self, raw: dict[str, str]) -> dict[str, Any]:
        return parse_cli_values(self.config_class, raw)

    def validate(self, values: dict[str, Any], flavor: str) -> dict[str, Any]:
        config = validate_config(self.config_class, values, flavor)
        dumped: dict[str, Any] = config.model_dump(mode="json")
        return dumped


def _type_text(schema: dict[str, Any]) -> str:
    """A field's type as `flavor describe` shows it: `integer`, `string | null`, `array`."""
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(str(k) for k in kind)
    if isinstance(kind, str):
        return kind
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        return " | ".join(_type_text(o) for o in options if isinstance(o, dict)) or "any"
    if "enum" in schema:
        return "enum " + json.dumps(schema["enum"])
    return "any"


def _types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema admits, as far as `type`, `anyOf` and `oneOf` tell."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return {t for o in options if isinstance(o, dict) for t in _types(o)}


def _json_type(value: object) -> str:
    """A value's JSON type name, as JSON Schema names them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _check_secret_marker(name: str, field: dict[str, Any]) -> None:
    """A secret field is marked with `true` and holds text: secrets store their values as text."""
    marker = field.get(SECRET_MARKER, False)
    if not isinstance(marker, bool):
        raise ValueError(f"config_schema property {name!r}: {SECRET_MARKER} must be true or false")
    if marker and not (_types(field) and _types(field) <= {"string", "null"}):
        raise ValueError(
            f"config_schema property {name!r} is secret, so its type must be string (or "
            '["string", "null"]): secret values are kept as text'
        )


def _references(node: object) -> list[str]:
    """Every `$ref` in a schema, at any depth."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


def _check_references(schema: dict[str, Any]) -> None:
    """Refuses a `$ref` that points nowhere in the schema (it would fail at validation time)."""
    base = "urn:flavorhost:config-schema"
    resource = referencing.jsonschema.DRAFT202012.create_resource(schema)
    resolver = referencing.Registry().with_resource(base, resource).resolver(base_uri=base)
    for ref in _references(schema):
        try:
            resolver.lookup(ref)
        except referencing.exceptions.Unresolvable:
            raise ValueError(
                f"config_schema's $ref {ref!r} points nowhere; config schemas are self-contained: "
                'define it under "$defs" and refer to it as "#/$defs/NAME"'
            ) from None


def _field_path(error: SchemaValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path)


class JsonSchemaConfig:
    """The config of a manifest flavor: a JSON Schema object with top-level properties.

    Values are checked as JSON Schema (draft 2020-12) says, without coercion; top-level
    `default`s fill missing fields, as pydantic fills a class's defaults.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._validator = jsonschema.Draft202012Validator(schema)
        properties = schema.get("properties", {})
        self._properties: dict[str, dict[str, Any]] = properties
        self._required = set(schema.get("required", []))

    @staticmethod
    def check(schema: object) -> None:
        """Refuses a schema a config cannot be validated with (ValueError naming the problem)."""
        if not isinstance(schema, dict):
            raise ValueError("config_schema must be a JSON Schema object")
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            raise ValueError(
                f"config_schema is not a valid JSON Schema at {where}: {error.message}"
            ) from None
        if schema.get("type") != "object":
            raise ValueError('config_schema must describe an object: give it "type": "object"')
        properties = schema.get("properties", {})
        for name, field in properties.items():
            if not isinstance(field, dict):
                raise ValueError(f"config_schema property {name!r} must be a schema object")
            _check_secret_marker(name, field)
        for name in schema.get("required", []):
            if name not in properties:
                raise ValueError(
                    f"config_schema requires {name!r} but has no property of that name"
                )
        _check_references(schema)

    def fields(self) -> list[FieldDescription]:
        return [
            FieldDescription(
                name=name,
                type=_type_text(field),
                required=name in self._required,
                default_json=json.dumps(field["default"]) if "default" in field else "",
                secret=bool(field.get(SECRET_MARKER)),
                description=str(field.get("description", "")),
            )
            for name, field in self._properties.items()
        ]

    def json_schema(self) -> dict[str, Any]:
        return self.schema

    def secret_fields(self) -> set[str]:
        return {name for name, field in self._properties.items() if field.get(SECRET_MARKER)}

    def _closed(self) -> bool:
        return self.schema.get("additionalProperties") is False

    def parse_cli_values(self, raw: dict[str, str]) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for name, text in raw.items():
            field = self._properties.get(name)
            if field is None and self._closed():
                known = ", ".join(self._properties) or "(none)"
                raise ConfigValidationError(
                    f"unknown config field {name!r}; this flavor's fields are: {known}", field=name
                )
            kinds = _types(field or {})
            parsed[name] = cli_value(
                text, as_text=bool(kinds & TEXT_TYPES and not kinds & {"object", "array"})
            )
        return parsed

    def validate(self, values: dict[str, Any], flavor: str) -> dict[str, Any]:
        filled = {
            **{n: f["default"] for n, f in self._properties.items() if "default" in f},
            **values,
        }
        errors = sorted(self._validator.iter_errors(filled), key=lambda e: list(e.absolute_path))
        if not errors:
            return filled
        problems: list[str] = []
        fields: list[str] = []
        for error in errors:
            for field, problem in self._describe(error, flavor):
                fields.append(field)
                problems.append(problem)
        message = f"invalid config for flavor {flavor!r}: " + "; ".join(problems)
        raise ConfigValidationError(message, field=fields[0])

    def _describe(self, error: SchemaValidationError, flavor: str) -> list[tuple[str, str]]:
        """(field, problem) pairs for one schema error, never quoting a secret's value."""
        path = _field_path(error)
        prefix = f"{path}." if path else ""
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            required = error.validator_value if isinstance(error.validator_value, list) else []
            missing = [n for n in required if n not in present]
            how = "" if prefix else "; pass --{}=VALUE"
            return [
                (f"{prefix}{n}", f"field {prefix + n!r} is required{how.format(n)}")
                for n in missing
            ]
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            schema = error.schema if isinstance(error.schema, dict) else {}
            known = set(schema.get("properties", {}))
            extra = [n for n in error.instance if n not in known]
            return [
                (f"{prefix}{n}", f"field {prefix + n!r} is not a field of flavor {flavor!r}")
                for n in extra
            ]
        field = path or "(config)"
        top = str(error.absolute_path[0]) if error.absolute_path else ""
        secret = top in self.secret_fields()
        got = _json_type(error.instance) + ("" if secret else f" {json.dumps(error.instance)}")
        if error.validator in ("type", "anyOf", "oneOf") and isinstance(error.schema, dict):
            expected = _type_text(error.schema)
            return [(field, f"field {field!r}: expected {expected}, got {got}")]
        if secret:  # the schema's own message would quote the value
            rule = f"{error.validator} {json.dumps(error.validator_value)}"
            return [(field, f"field {field!r} (secret): the value breaks the rule {rule}")]
        described = self._properties.get(top, {}).get("description", "") if top == path else ""
        return [
            (field, f"field {field!r}: {error.message}" + (f" ({described})" if described else ""))
        ]
