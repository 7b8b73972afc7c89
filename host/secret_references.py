"""Secret config fields: `{{NAME.KEY}}` references, literal values moved into secrets, resolution.

A secret field's value is stored in the registry only as a reference. A literal given at register
or update time is moved into a secret of the component's own (`<type>-<component>`); references
are resolved only when the host configures the sidecar.
"""

from __future__ import annotations

import re
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError, EntityNotFoundError
from flavorhost.host.secrets_store import SecretsStore

REFERENCE = re.compile(r"^\{\{\s*([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\s*\}\}$")


def parse_reference(value: object) -> tuple[str, str] | None:
    """(secret, key) if `value` is a `{{NAME.KEY}}` reference."""
    if not isinstance(value, str):
        return None
    match = REFERENCE.match(value)
    return (match.group(1), match.group(2)) if match else None


def component_secret_name(kind: StackComponentType, component: str) -> str:
    """The secret that holds a component's literal secret values."""
    return f"{kind.value}-{component}"


def store_literals(
    secrets: SecretsStore,
    secret_fields: set[str],
    kind: StackComponentType,
    component: str,
    values: dict[str, Any],
) -> dict[str, Any]:
    """`values` with literal secret values moved into the component's secret."""
    literals = {
        name: value
        for name, value in values.items()
        if name in secret_fields and value is not None and parse_reference(value) is None
    }
    if not literals:
        return values
    secret = component_secret_name(kind, component)
    secrets.put(secret, {name: str(value) for name, value in literals.items()})
    return {**values, **{name: f"{{{{{secret}.{name}}}}}" for name in literals}}


def check_references(secrets: SecretsStore, values: dict[str, Any]) -> None:
    """Every reference names an existing secret and key."""
    for field, value in values.items():
        reference = parse_reference(value)
        if reference is None:
            continue
        name, key = reference
        try:
            secret = secrets.get(name)
        except EntityNotFoundError:
            raise ConfigValidationError(
                f"field {field!r} references secret {name!r}, which does not exist; create it "
                f"with `flavorhost secret create {name} --{key}=VALUE`",
                field=field,
            ) from None
        if key not in secret.values:
            raise ConfigValidationError(
                f"field {field!r} references key {key!r} of secret {name!r}, which has keys "
                f"{', '.join(sorted(secret.values))}; add it with "
                f"`flavorhost secret update {name} --{key}=VALUE`",
                field=field,
            )


def resolve(secrets: SecretsStore, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with every reference replaced by the secret's value (for the sidecar only)."""
    check_references(secrets, values)
    resolved = dict(values)
    for field, value in values.items():
        reference = parse_reference(value)
        if reference is not None:
            resolved[field] = secrets.get(reference[0]).values[reference[1]]
    return resolved


def referenced_secrets(values: dict[str, Any]) -> set[str]:
    """Names of the secrets a stored config references."""
    return {ref[0] for value in values.values() if (ref := parse_reference(value))}
