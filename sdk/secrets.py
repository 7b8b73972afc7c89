"""Marking config fields as secret."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic.fields import FieldInfo

SECRET_MARKER = "flavorhost_secret"


def SecretField(*args: Any, **kwargs: Any) -> Any:
    """A pydantic `Field` whose value is sensitive: never shown, never logged.

    Takes the same arguments as `pydantic.Field`.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[SECRET_MARKER] = True
    return Field(*args, json_schema_extra=extra, **kwargs)


def is_secret_field(field: FieldInfo) -> bool:
    """Whether a pydantic field was declared with `SecretField`."""
    extra = field.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get(SECRET_MARKER))
