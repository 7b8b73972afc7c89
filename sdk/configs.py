"""Config classes as data: validation with field paths, field descriptions, secret masking.

Shared by the host (validation at register and update time, `flavor describe`) and the sidecar
(re-building the config object from its JSON).
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from flavorhost.errors import ConfigValidationError
from flavorhost.secrets import is_secret_field

MASK = "********"


@dataclass(frozen=True)
class FieldDescription:
    """One config field as `flavor describe` shows it."""

    name: str
    type: str
    required: bool
    default_json: str
    secret: bool
    description: str


def _type_name(annotation: Any) -> str:
    text = repr(annotation) if not isinstance(annotation, type) else annotation.__name__
    return text.replace("typing.", "")


def describe_fields(config_class: type[BaseModel]) -> list[FieldDescription]:
    """The fields of a config class, in declaration order."""
    fields = []
    for name, field in config_class.model_fields.items():
        required = field.is_required()
        default = "" if required else json.dumps(field.get_default(call_default_factory=True))
        fields.append(
            FieldDescription(
                name=name,
                type=_type_name(field.annotation),
                required=required,
                default_json=default,
                secret=is_secret_field(field),
                description=field.description or "",
            )
        )
    return fields


def secret_field_names(config_class: type[BaseModel]) -> set[str]:
    """Names of the fields declared with SecretField."""
    return {name for name, field in config_class.model_fields.items() if is_secret_field(field)}


def mask_secrets(secrets: set[str], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every set field named in `secrets` replaced by a mask."""
    return {k: (MASK if k in secrets and v is not None else v) for k, v in values.items()}


def _accepts_plain_string(annotation: Any) -> bool:
    if annotation is str or annotation is Any:
        return True
    # Only an Optional/union with str takes text as is: list[str] also has str among its args.
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    return str in typing.get_args(annotation) and not any(
        typing.get_origin(arg) is not None for arg in typing.get_args(annotation)
    )


def parse_cli_values(config_class: type[BaseModel], raw: dict[str, str]) -> dict[str, Any]:
    """Turns `--field=text` values into typed values, by each field's annotation.

    Text fields keep the text as given; every other field is read as JSON when it parses (dicts,
    lists, numbers, booleans, null), else kept as text for pydantic to judge.
    """
    parsed: dict[str, Any] = {}
    fields = config_class.model_fields
    for name, text in raw.items():
        field = fields.get(name)
        if field is None:
            known = ", ".join(sorted(fields)) or "(none)"
            raise ConfigValidationError(
                f"unknown config field {name!r}; this flavor's fields are: {known}", field=name
            )
        parsed[name] = cli_value(text, as_text=_accepts_plain_string(field.annotation))
    return parsed


def cli_value(text: str, as_text: bool) -> Any:
    """A `--field=text` value: the text itself for text fields, else its JSON value when it
    parses (dicts, lists, numbers, booleans, null), else the text, for validation to judge."""
    if as_text:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def validation_error(error: ValidationError, flavor: str) -> ConfigValidationError:
    """A ConfigValidationError naming each bad field, what was wrong and how to fix it."""
    problems = []
    first_field = ""
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(config)"
        first_field = first_field or field
        kind = item["type"]
        if kind == "missing":
            problems.append(f"field {field!r} is required; pass --{field}=VALUE")
        elif kind == "extra_forbidden":
            problems.append(f"field {field!r} is not a field of flavor {flavor!r}")
        else:
            problems.append(f"field {field!r}: {item['msg']}")
    message = f"invalid config for flavor {flavor!r}: " + "; ".join(problems)
    return ConfigValidationError(message, field=first_field)


def validate_config(config_class: type[BaseModel], values: dict[str, Any], flavor: str) -> Any:
    """Builds the config object, or raises ConfigValidationError."""
    try:
        return config_class.model_validate(values)
    except ValidationError as error:
        raise validation_error(error, flavor) from None
