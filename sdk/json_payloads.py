"""Pydantic models as JSON text on the wire, for parameters and settings of component calls.

Component calls carry per-call models (an alerter's step parameters, a step's settings) as JSON
objects, so a sidecar in any language can read them. The client sends a model, a dict or None;
the sidecar validates the JSON into the class its flavor declares, with errors that name the
field.
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
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"]) or "(the object)"
            if item["type"] == "extra_forbidden":
                known = ", ".join(sorted(model_class.model_fields)) or "none"
                problems.append(f"{field!r} is not one of its fields ({known})")
            else:
                problems.append(f"{field!r}: {item['msg']}")
        message = f"invalid {what} for {model_class.__name__}: " + "; ".join(problems)
        raise ValueError(message) from None
