"""Flavor manifests: a flavor declared as data, so its sidecar can be written in any language.

A manifest is a JSON file (JSON because a flavor's config is JSON Schema, itself JSON, and every
language reads it without a dependency) naming the flavor, its component type, its config as JSON
Schema and how to launch its sidecar. docs/manifests.md is the reference; `flavorhost <type>
flavor register --manifest PATH` registers one, `flavor describe NAME --manifest` prints one for
any flavor, Python flavors included.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from flavorhost.config_schemas import JsonSchemaConfig
from flavorhost.enums import StackComponentType
from flavorhost.errors import FlavorSourceError
from flavorhost.json_payloads import decode_object
from flavorhost.protocol import LAUNCH_ENV_NAMES, PROTOCOL_VERSION

MANIFEST_VERSION: Literal[1] = 1
# Flavor names as ZenML uses them: `s3`, `local`, `node_local`, `my-store`.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class LaunchSpec(BaseModel):
    """How the host starts the sidecar: `command args...` in `working_dir`, no shell."""

    model_config = ConfigDict(extra="forbid")

    command: str = Field(
        min_length=1,
        description="The program: a name looked up on PATH (`node`), or a path with a slash, "
        "relative to working_dir (`./bin/sidecar`).",
    )
    args: list[str] = Field(default_factory=list, description="Its arguments.")
    working_dir: str = Field(
        default=".", description="Where it runs; relative paths are from the manifest's folder."
    )
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Extra environment variables, on top of the host's and the launch contract's.",
    )

    @field_validator("env")
    @classmethod
    def _no_contract_variables(cls, env: dict[str, str]) -> dict[str, str]:
        taken = sorted(LAUNCH_ENV_NAMES & set(env))
        if taken:
            raise ValueError(
                f"the host sets {', '.join(taken)} for every launch; remove "
                f"{'it' if len(taken) == 1 else 'them'} from env"
            )
        return env


class FlavorManifest(BaseModel):
    """A flavor's manifest (docs/manifests.md)."""

    model_config = ConfigDict(extra="forbid")

    manifest_version: Literal[1] = Field(description="The version of this format: 1.")
    name: str = Field(pattern=NAME_PATTERN, description="The flavor's name, e.g. `node_local`.")
    type: StackComponentType = Field(description="Its component type, e.g. `artifact_store`.")
    protocol_version: StrictInt = Field(description="The sidecar protocol it speaks: 1.")
    description: str = ""
    docs_url: str = ""
    config_schema: dict[str, Any] = Field(
        description="Its config as a JSON Schema object; secret fields carry "
        '`"flavorhost_secret": true`.'
    )
    launch: LaunchSpec

    @field_validator("type", mode="before")
    @classmethod
    def _type_by_either_name(cls, value: object) -> object:
        return value.replace("-", "_") if isinstance(value, str) else value

    @field_validator("protocol_version")
    @classmethod
    def _supported_protocol(cls, version: int) -> int:
        if version != PROTOCOL_VERSION:
            raise ValueError(
                f"this flavorhost speaks sidecar protocol {PROTOCOL_VERSION}, not {version}"
            )
        return version

    @field_validator("config_schema")
    @classmethod
    def _valid_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        JsonSchemaConfig.check(schema)
        return schema

    def to_json(self) -> str:
        """The manifest as stored and printed: every field, indented."""
        return json.dumps(self.model_dump(mode="json"), indent=2)


def _problems(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "(top level)"
        if item["type"] == "missing":
            parts.append(f"field {field!r} is required")
        elif item["type"] == "extra_forbidden":
            parts.append(f"field {field!r} is not a manifest field")
        else:
            parts.append(f"field {field!r}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def parse_manifest(text: str, where: str) -> FlavorManifest:
    """The manifest in `text`; FlavorSourceError naming `where` and each problem otherwise."""
    try:
        data = decode_object(text, f"manifest {where}")
    except ValueError as error:
        raise FlavorSourceError(str(error)) from None
    try:
        return FlavorManifest.model_validate(data)
    except ValidationError as error:
        raise FlavorSourceError(
            f"manifest {where} is not a valid flavor manifest: {_problems(error)} "
            "(docs/manifests.md describes the format)"
        ) from None


def load_manifest(path: str | os.PathLike[str]) -> FlavorManifest:
    """The manifest file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise FlavorSourceError(f"cannot read manifest {path}: {error.strerror}") from None
    return parse_manifest(text, str(path))
