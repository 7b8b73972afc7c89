"""Plain Python views of registry entities, as the Client returns them (no `_pb2` types)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import host_pb2, runs_pb2
from flavorhost.wire import required_type, status_from_proto, type_from_proto


class ConfigView(Mapping[str, Any]):
    """A component's config as the host shows it (secrets masked), read by key or attribute."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"the config has no field {name!r}") from None

    def __repr__(self) -> str:
        return f"ConfigView({self._values!r})"


@dataclass(frozen=True)
class ConfigFieldModel:
    """One field of a flavor's config class."""

    name: str
    type: str
    required: bool
    default: Any
    secret: bool
    description: str


@dataclass(frozen=True)
class FlavorModel:
    """A registered flavor."""

    name: str
    type: StackComponentType
    source: str
    source_root: str
    builtin: bool
    fields: list[ConfigFieldModel] = field(default_factory=list)
    config_schema: dict[str, Any] = field(default_factory=dict)
    docs_url: str = ""
    requirements: list[str] = field(default_factory=list)
    environment_state: str = ""
    environment_python: str = ""
    environment_message: str = ""
    # The flavor as a manifest (docs/manifests.md); empty in listings.
    manifest: dict[str, Any] = field(default_factory=dict)
    # Whether it was registered by manifest (then `source` is the manifest's path).
    from_manifest: bool = False

    @classmethod
    def from_proto(cls, message: host_pb2.Flavor) -> FlavorModel:
        """From the wire."""
        return cls(
            name=message.name,
            type=required_type(message.type),
            source=message.source,
            source_root=message.source_root,
            builtin=message.builtin,
            fields=[
                ConfigFieldModel(
                    name=f.name,
                    type=f.type,
                    required=f.required,
                    default=json.loads(f.default_json) if f.default_json else None,
                    secret=f.secret,
                    description=f.description,
                )
                for f in message.fields
            ],
            config_schema=json.loads(message.config_schema_json or "{}"),
            docs_url=message.docs_url,
            requirements=list(message.requirements),
            environment_state=message.environment_state,
            environment_python=message.environment_python,
            environment_message=message.environment_message,
            manifest=json.loads(message.manifest_json or "{}"),
            from_manifest=message.from_manifest,
        )


@dataclass(frozen=True)
class ComponentModel:
    """A registered component."""

    id: str
    type: StackComponentType
    name: str
    flavor: str
    config: ConfigView
    created: float
    updated: float
    error: str = ""
    # Seconds; 0 means the host's default.
    call_timeout: float = 0.0

    @property
    def broken(self) -> bool:
        """Whether the component's config no longer works with its flavor (see `error`)."""
        return bool(self.error)

    @classmethod
    def from_proto(cls, message: host_pb2.Component) -> ComponentModel:
        """From the wire."""
        return cls(
            id=message.id,
            type=required_type(message.type),
            name=message.name,
            flavor=message.flavor,
            config=ConfigView(json.loads(message.config_json or "{}")),
            created=message.created,
            updated=message.updated,
            error=message.error,
            call_timeout=message.call_timeout,
        )


@dataclass(frozen=True)
class StackModel:
    """A registered stack."""

    id: str
    name: str
    components: dict[StackComponentType, ComponentModel]
    active: bool

    @classmethod
    def from_proto(cls, message: host_pb2.Stack) -> StackModel:
        """From the wire."""
        components = [ComponentModel.from_proto(c) for c in message.components]
        return cls(message.id, message.name, {c.type: c for c in components}, message.active)


@dataclass(frozen=True)
class SidecarModel:
    """A running sidecar."""

    pid: int
    flavor: str
    type: StackComponentType | None
    components: list[str]
    started: float
    state: str
    log_path: str
    runtime: str
    restarts: int = 0
    environment: str = ""
    error: str = ""


@dataclass(frozen=True)
class HostStatusModel:
    """The host and its sidecars."""

    pid: int
    address: str
    started: float
    version: str
    sidecars: list[SidecarModel]
    # The TCP listener (`host start --address`): its bound address, "" when there is none.
    tcp_address: str = ""
    tcp_tls: bool = False
    tcp_token_file: str = ""

    @classmethod
    def from_proto(cls, message: host_pb2.HostStatus) -> HostStatusModel:
        """From the wire."""
        return cls(
            pid=message.pid,
            address=message.address,
            started=message.started,
            version=message.version,
            sidecars=[
                SidecarModel(
                    pid=s.pid,
                    flavor=s.flavor,
                    type=type_from_proto(s.type, required=False),
                    components=list(s.components),
                    started=s.started,
                    state=s.state,
                    log_path=s.log_path,
                    runtime=s.runtime,
                    restarts=s.restarts,
                    environment=s.environment,
                    error=s.error,
                )
                for s in message.sidecars
            ],
            tcp_address=message.tcp_address,
            tcp_tls=message.tcp_tls,
            tcp_token_file=message.tcp_token_file,
        )


@dataclass(frozen=True)
class SecretModel:
    """A secret; `values` is empty unless it was revealed."""

    id: str
    name: str
    keys: list[str]
    values: dict[str, str]
    created: float
    updated: float
    used_by: list[str]

    @classmethod
    def from_proto(cls, message: host_pb2.Secret) -> SecretModel:
        """From the wire."""
        return cls(
            id=message.id,
            name=message.name,
            keys=list(message.keys),
            values=dict(message.values),
            created=message.created,
            updated=message.updated,
            used_by=list(message.used_by),
        )

    def __repr__(self) -> str:
        # Never print values, even revealed ones, by accident.
        return f"SecretModel(name={self.name!r}, keys={self.keys!r})"


@dataclass(frozen=True)
class ArtifactModel:
    """An artifact a step wrote to the stack's artifact store (read it with
    `flavorhost.pipelines.load_artifact`)."""

    name: str
    uri: str
    materializer: str
    data_type: str

    @classmethod
    def from_proto(cls, message: runs_pb2.Artifact) -> ArtifactModel:
        """From the wire."""
        return cls(message.name, message.uri, message.materializer, message.data_type)


@dataclass(frozen=True)
class StepRunModel:
    """One step of a pipeline run."""

    name: str
    status: str
    started: float
    ended: float
    error: str
    outputs: dict[str, ArtifactModel]
    metadata: dict[str, Any]

    @classmethod
    def from_proto(cls, message: runs_pb2.StepRun) -> StepRunModel:
        """From the wire."""
        return cls(
            name=message.name,
            status=status_from_proto(message.status),
            started=message.started,
            ended=message.ended,
            error=message.error,
            outputs={a.name: ArtifactModel.from_proto(a) for a in message.outputs},
            metadata=json.loads(message.metadata_json or "{}"),
        )


@dataclass(frozen=True)
class PipelineRunModel:
    """A pipeline run: where it stands, its steps and their artifacts."""

    id: str
    name: str
    pipeline: str
    stack: str
    status: str
    created: float
    ended: float
    error: str
    orchestrator_run_id: str
    steps: dict[str, StepRunModel]
    metadata: dict[str, Any]
    snapshot: dict[str, Any]

    @property
    def ended_well(self) -> bool:
        """Whether every step completed."""
        return self.status == "completed"

    @classmethod
    def from_proto(cls, message: runs_pb2.PipelineRun) -> PipelineRunModel:
        """From the wire."""
        return cls(
            id=message.id,
            name=message.name,
            pipeline=message.pipeline,
            stack=message.stack,
            status=status_from_proto(message.status),
            created=message.created,
            ended=message.ended,
            error=message.error,
            orchestrator_run_id=message.orchestrator_run_id,
            steps={s.name: StepRunModel.from_proto(s) for s in message.steps},
            metadata=json.loads(message.metadata_json or "{}"),
            snapshot=json.loads(message.snapshot_json or "{}"),
        )
