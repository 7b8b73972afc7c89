"""Writing step outputs to the artifact store and reading them back, through its proxy.

Two formats, chosen per value: `json` (data.json) for values JSON keeps exactly (None, bools,
numbers, strings, and lists and string-keyed dicts of them), which any language can read;
`pickle` (data.pkl) for every other Python value, readable only by Python with the same classes
importable.
"""

from __future__ import annotations

import json
import math
import pickle
from typing import Any

from flavorhost.models import ArtifactModel

JSON, PICKLE = "json", "pickle"
FILES = {JSON: "data.json", PICKLE: "data.pkl"}


def _json_exact(value: Any) -> bool:
    """Whether JSON gives `value` back equal and of the same types."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_exact(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    return False


def data_type(value: Any) -> str:
    """The value's type as module.QualifiedName."""
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def save(store: Any, folder: str, value: Any) -> str:
    """Writes `value` into `folder` of the artifact store; returns the materializer used."""
    store.makedirs(folder)
    if _json_exact(value):
        with store.open(f"{folder}/{FILES[JSON]}", "w") as file:
            json.dump(value, file)
        return JSON
    with store.open(f"{folder}/{FILES[PICKLE]}", "wb") as file:
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
    return PICKLE


def load(store: Any, artifact: ArtifactModel) -> Any:
    """Reads an artifact a step wrote."""
    if artifact.materializer not in FILES:
        raise ValueError(
            f"artifact {artifact.name!r} at {artifact.uri} was written as "
            f"{artifact.materializer!r}, which this flavorhost cannot read (it reads "
            f"{', '.join(FILES)})"
        )
    path = f"{artifact.uri}/{FILES[artifact.materializer]}"
    if artifact.materializer == JSON:
        with store.open(path, "r") as file:
            return json.load(file)
    with store.open(path, "rb") as file:
        return pickle.load(file)
