"""Pydantic models, keyword arguments and results as JSON text on the wire, for component calls.

Component calls carry per-call models (an alerter's step parameters, a step's settings) and
keyword arguments (an annotator's dataset options) as JSON objects, so a sidecar in any language
can read them. The client sends a model, a dict or None; the sidecar validates the JSON into the
class its flavor declares, with errors that name the field. What a flavor returns as `Any` comes
back as JSON text too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def encode(value: BaseModel | Mapping[str, Any] | None, what: str) -> str:
    """The JSON text of a model or mapping; '' for None."""
    if value is None:
        return ""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, Mapping):
        try:
            return json.dumps(dict(value))
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"{what} must be JSON-like (they cross to the sidecar): {error}"
            ) from None
    raise TypeError(f"{what} must be a pydantic model, a dict or None, not {type(value).__name__}")


def decode(model_class: type[M], text: str, what: str) -> M | None:
    """The model in `text` ('' is None); ValueError naming each bad field."""
    if not text:
        return None
    try:
        return model_class.model_validate_json(text)
    except ValidationError as error:
        raise _invalid(model_class, error, what) from None


def validate(model_class: type[M], values: Mapping[str, Any], what: str) -> M:
    """`values` (keyword arguments a flavor received) as a model; ValueError naming each bad
    field."""
    try:
        return model_class.model_validate(dict(values))
    except ValidationError as error:
        raise _invalid(model_class, error, what) from None


def decode_object(text: str, what: str) -> dict[str, Any]:
    """The JSON object in `text` ('' is {}), e.g. keyword arguments sent as `options_json`."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValueError(f"{what} must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object, not {type(value).__name__}")
    return value


def encode_result(value: Any, what: str) -> str:
    """The JSON text of a value a flavor returned, which must be JSON-like to reach the client."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{what} must return JSON-like values (dicts, lists, str, numbers, bool, None) to "
            f"cross to the client: {error}"
        ) from None


def _invalid(model_class: type[BaseModel], error: ValidationError, what: str) -> ValueError:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(the object)"
        if item["type"] == "extra_forbidden":
            known = ", ".join(sorted(model_class.model_fields)) or "none"
            problems.append(f"{field!r} is not one of its fields ({known})")
        else:
            problems.append(f"{field!r}: {item['msg']}")
    message = f"invalid {what} for {model_class.__name__}: " + "; ".join(problems)
    return ValueError(message)
