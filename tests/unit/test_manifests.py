"""Flavor manifests: what a valid one holds, and how a bad one is refused."""

import json
from pathlib import Path
from typing import Any

import pytest

from flavorhost.enums import StackComponentType
from flavorhost.errors import FlavorSourceError
from flavorhost.flavors import BUILTIN_MANIFESTS
from flavorhost.manifests import load_manifest, parse_manifest


def _manifest(**changes: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "manifest_version": 1,
        "name": "memory",
        "type": "artifact-store",
        "protocol_version": 1,
        "config_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
        "launch": {"command": "node", "args": ["server.js"]},
    }
    manifest.update(changes)
    return manifest


def test_a_minimal_manifest_gets_its_defaults() -> None:
    manifest = parse_manifest(json.dumps(_manifest()), "m.json")
    assert manifest.type is StackComponentType.ARTIFACT_STORE
    assert manifest.launch.working_dir == "." and manifest.launch.env == {}
    assert parse_manifest(manifest.to_json(), "again") == manifest


def test_the_builtin_manifests_are_valid() -> None:
    assert BUILTIN_MANIFESTS
    for path in BUILTIN_MANIFESTS:
        assert load_manifest(path).name


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        (_manifest(launch={"args": []}), "field 'launch.command' is required"),
        (_manifest(protocol_version=2), "speaks sidecar protocol 1, not 2"),
        (_manifest(type="blender"), "field 'type'"),
        (_manifest(name="no spaces"), "field 'name'"),
        (_manifest(colour="red"), "field 'colour' is not a manifest field"),
        (_manifest(config_schema={"type": "string"}), '"type": "object"'),
        (
            _manifest(launch={"command": "x", "env": {"FLAVORHOST_SIDECAR_TOKEN": "t"}}),
            "the host sets FLAVORHOST_SIDECAR_TOKEN for every launch; remove it",
        ),
        (_manifest(manifest_version=2), "field 'manifest_version'"),
        (_manifest(protocol_version="1"), "field 'protocol_version'"),
    ],
)
def test_bad_manifests_name_the_field(manifest: dict[str, Any], problem: str) -> None:
    with pytest.raises(FlavorSourceError, match=r"manifest m\.json is not a valid") as caught:
        parse_manifest(json.dumps(manifest), "m.json")
    assert problem in str(caught.value)


def test_unreadable_and_non_json_manifests(tmp_path: Path) -> None:
    with pytest.raises(FlavorSourceError, match=r"cannot read manifest .*No such file"):
        load_manifest(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": ')
    with pytest.raises(FlavorSourceError, match=r"must be a JSON object: .*line 1"):
        load_manifest(broken)
