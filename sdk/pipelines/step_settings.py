"""Which settings reach which component: `settings` keys are a component type
("experiment_tracker") or a type and flavor ("experiment_tracker.mlflow", only for that flavor).
Pipeline-wide settings come first, a step's own override them key by key."""

from __future__ import annotations

from typing import Any

from flavorhost.enums import StackComponentType


def settings_for(
    kind: StackComponentType,
    flavor: str,
    pipeline_settings: dict[str, dict[str, Any]],
    step_settings: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The settings a component of `kind` and `flavor` gets for one step."""
    merged: dict[str, Any] = {}
    for settings in (pipeline_settings, step_settings):
        merged.update(settings.get(kind.value, {}))
        merged.update(settings.get(f"{kind.value}.{flavor}", {}))
    return merged


def types_named(*all_settings: dict[str, dict[str, Any]]) -> set[StackComponentType]:
    """The component types some settings are for."""
    return {StackComponentType(key.split(".", 1)[0]) for s in all_settings for key in s}
