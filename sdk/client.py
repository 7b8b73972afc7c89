"""`Client`: the registry and the active stack, from any Python process.

    from flavorhost import Client
    store = Client().active_stack.artifact_store
    with store.open(store.path + "/hello.txt", "w") as f:
        f.write("hi")

The client starts the host when none runs. Errors arrive as the exceptions of
`flavorhost.errors` and the built-in OSErrors (FileNotFoundError, ...).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import grpc

from flavorhost.enums import StackComponentType
from flavorhost.errors import raise_from_rpc_error
from flavorhost.generated.v1 import host_pb2 as pb
from flavorhost.generated.v1 import host_pb2_grpc, runs_pb2, runs_pb2_grpc
from flavorhost.home import flavorhost_home
from flavorhost.host_connection import connect
from flavorhost.models import (
    ComponentModel,
    FlavorModel,
    HostStatusModel,
    PipelineRunModel,
    SecretModel,
    StackModel,
)
from flavorhost.pipelines.snapshot import ACTIVE_STACK_ENV
from flavorhost.protocol import REGISTRY_CALL_TIMEOUT_SECONDS
from flavorhost.proxies.alerter import AlerterProxy
from flavorhost.proxies.annotator import AnnotatorProxy
from flavorhost.proxies.artifact_store import ArtifactStoreProxy
from flavorhost.proxies.component_link import SidecarChannels
from flavorhost.proxies.component_proxy import ComponentProxy
from flavorhost.proxies.container_registry import ContainerRegistryProxy
from flavorhost.proxies.data_validator import DataValidatorProxy
from flavorhost.proxies.experiment_tracker import ExperimentTrackerProxy
from flavorhost.proxies.feature_store import FeatureStoreProxy
from flavorhost.proxies.model_deployer import ModelDeployerProxy
from flavorhost.proxies.model_registry import ModelRegistryProxy
from flavorhost.proxies.orchestrator import OrchestratorProxy
from flavorhost.proxies.step_operator import StepOperatorProxy
from flavorhost.remote_host import RemoteHost
from flavorhost.sources import find_source_root
from flavorhost.wire import status_to_proto, type_to_proto

T = TypeVar("T")
P = TypeVar("P", bound=ComponentProxy)


# The proxy of each component type that sidecars serve.
PROXY_CLASSES: tuple[type[ComponentProxy], ...] = (
    OrchestratorProxy,
    ArtifactStoreProxy,
    AlerterProxy,
    ContainerRegistryProxy,
    ExperimentTrackerProxy,
    StepOperatorProxy,
    ModelDeployerProxy,
    FeatureStoreProxy,
    AnnotatorProxy,
    DataValidatorProxy,
    ModelRegistryProxy,
)


class Stack:
    """A stack as pipeline code sees it: one proxy per component type."""

    def __init__(
        self,
        model: StackModel,
        channel: grpc.Channel,
        sidecar_channels: SidecarChannels | None = None,
    ) -> None:
        self.model = model
        self._channel = channel
        # The client's direct channels to sidecars; None when the host is not on this machine.
        self._sidecar_channels = sidecar_channels

    @property
    def name(self) -> str:
        """The stack's name."""
        return self.model.name

    @property
    def id(self) -> str:
        """The stack's registry id."""
        return self.model.id

    @property
    def components(self) -> dict[StackComponentType, ComponentModel]:
        """The stack's components by type."""
        return dict(self.model.components)

    @property
    def artifact_store(self) -> ArtifactStoreProxy:
        """The stack's artifact store."""
        return ArtifactStoreProxy(
            self.model.components[StackComponentType.ARTIFACT_STORE],
            self._channel,
            self._sidecar_channels,
        )

    @property
    def alerter(self) -> AlerterProxy | None:
        """The stack's alerter, if it has one."""
        return self._optional(AlerterProxy)

    @property
    def orchestrator(self) -> OrchestratorProxy | None:
        """The stack's orchestrator, if it has one (pipelines need one)."""
        return self._optional(OrchestratorProxy)

    def proxies(self) -> dict[StackComponentType, ComponentProxy]:
        """A proxy for each of the stack's components (of the types sidecars serve)."""
        found: dict[StackComponentType, ComponentProxy] = {}
        for proxy_class in PROXY_CLASSES:
            proxy = self._optional(proxy_class)
            if proxy is not None:
                found[proxy_class.TYPE] = proxy
        return found

    def _optional(self, proxy_class: type[P]) -> P | None:
        component = self.model.components.get(proxy_class.TYPE)
        if component is None:
            return None
        return proxy_class(component, self._channel, self._sidecar_channels)

    @property
    def experiment_tracker(self) -> ExperimentTrackerProxy | None:
        """The stack's experiment tracker, if it has one."""
        return self._optional(ExperimentTrackerProxy)

    @property
    def step_operator(self) -> StepOperatorProxy | None:
        """The stack's step operator, if it has one."""
        return self._optional(StepOperatorProxy)

    @property
    def container_registry(self) -> ContainerRegistryProxy | None:
        """The stack's container registry, if it has one."""
        return self._optional(ContainerRegistryProxy)

    @property
    def annotator(self) -> AnnotatorProxy | None:
        """The stack's annotator, if it has one."""
        return self._optional(AnnotatorProxy)

    @property
    def data_validator(self) -> DataValidatorProxy | None:
        """The stack's data validator, if it has one."""
        return self._optional(DataValidatorProxy)

    @property
    def model_deployer(self) -> ModelDeployerProxy | None:
        """The stack's model deployer, if it has one; it reads models from the stack's artifact
        store."""
        deployer = self._optional(ModelDeployerProxy)
        if deployer is not None:
            deployer.use_artifact_store(self.artifact_store)
        return deployer

    @property
    def feature_store(self) -> FeatureStoreProxy | None:
        """The stack's feature store, if it has one."""
        return self._optional(FeatureStoreProxy)

    @property
    def model_registry(self) -> ModelRegistryProxy | None:
        """The stack's model registry, if it has one; it loads model versions through the
        stack's artifact store."""
        registry = self._optional(ModelRegistryProxy)
        if registry is not None and StackComponentType.ARTIFACT_STORE in self.model.components:
            registry.default_artifact_store = self.artifact_store
        return registry

    def __repr__(self) -> str:
        return f"Stack(name={self.name!r})"


class Client:
    """A connection to the host of `$FLAVORHOST_HOME` (or `home`).

    With `FLAVORHOST_HOST_ADDRESS` set, to that host over TCP instead (see `remote_host.py`).
    """

    def __init__(self, home: Path | None = None, autostart: bool = True) -> None:
        self.home = home or flavorhost_home()
        self._channel = connect(self.home, autostart=autostart)
        local = RemoteHost.from_environment() is None
        self._sidecar_channels = SidecarChannels() if local else None
        self._registry = host_pb2_grpc.RegistryStub(self._channel)
        self._host = host_pb2_grpc.HostStub(self._channel)
        self._secrets = host_pb2_grpc.SecretsStub(self._channel)
        self._runs = runs_pb2_grpc.RunsStub(self._channel)

    def close(self) -> None:
        """Closes the connection, and the proxies' direct connections to sidecars."""
        if self._sidecar_channels is not None:
            self._sidecar_channels.close()
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @staticmethod
    def _call(method: Callable[..., T], request: Any) -> T:
        try:
            return method(request, timeout=REGISTRY_CALL_TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            raise_from_rpc_error(error)

    # --- stacks -----------------------------------------------------------------------------

    @property
    def active_stack(self) -> Stack:
        """The active stack, with a proxy per component (inside a pipeline step: the run's
        stack)."""
        name = os.environ.get(ACTIVE_STACK_ENV, "")
        return Stack(self.get_stack(name), self._channel, self._sidecar_channels)

    def get_stack(self, name: str = "") -> StackModel:
        """A stack, or the active one."""
        return StackModel.from_proto(
            self._call(self._registry.GetStack, pb.GetStackRequest(name=name))
        )

    def list_stacks(self) -> list[StackModel]:
        """Every stack."""
        response = self._call(self._registry.ListStacks, pb.ListStacksRequest())
        return [StackModel.from_proto(s) for s in response.stacks]

    def register_stack(self, name: str, components: dict[StackComponentType, str]) -> StackModel:
        """Records a stack from component names by type."""
        members = [
            pb.StackMember(type=type_to_proto(k), component=c) for k, c in components.items()
        ]
        request = pb.RegisterStackRequest(name=name, members=members)
        return StackModel.from_proto(self._call(self._registry.RegisterStack, request))

    def activate_stack(self, name: str) -> StackModel:
        """Makes a stack the active one."""
        request = pb.SetActiveStackRequest(name=name)
        return StackModel.from_proto(self._call(self._registry.SetActiveStack, request))

    def delete_stack(self, name: str) -> None:
        """Removes a stack."""
        self._call(self._registry.DeleteStack, pb.DeleteStackRequest(name=name))

    # --- flavors ----------------------------------------------------------------------------

    def register_flavor(
        self,
        kind: StackComponentType,
        source: str,
        source_root: str | Path | None = None,
        requirements: Sequence[str] = (),
        python: str = "",
    ) -> FlavorModel:
        """Registers the Flavor class at a dotted path, resolved from the source root.

        `requirements` are installed in the flavor's own environment (see
        `build_flavor_environment`); `python` runs its sidecar with an existing interpreter.
        """
        root = str(Path(source_root).absolute()) if source_root else str(find_source_root())
        request = pb.RegisterFlavorRequest(
            type=type_to_proto(kind),
            source=source,
            source_root=root,
            requirements=list(requirements),
            python=str(Path(python).absolute()) if python else "",
        )
        return FlavorModel.from_proto(self._call(self._registry.RegisterFlavor, request))

    def register_flavor_manifest(
        self, kind: StackComponentType, manifest_path: str | Path
    ) -> FlavorModel:
        """Registers the flavor a manifest file declares (docs/manifests.md); its sidecar may
        be written in any language."""
        request = pb.RegisterFlavorRequest(
            type=type_to_proto(kind), manifest_path=str(Path(manifest_path).absolute())
        )
        return FlavorModel.from_proto(self._call(self._registry.RegisterFlavor, request))

    def build_flavor_environment(self, kind: StackComponentType, name: str) -> Iterator[str]:
        """Builds a flavor's environment if needed, yielding the installer's output lines."""
        request = pb.GetFlavorRequest(type=type_to_proto(kind), name=name)
        try:
            for progress in self._registry.BuildFlavorEnvironment(request):
                if not progress.done:
                    yield progress.line
        except grpc.RpcError as error:
            raise_from_rpc_error(error)

    def list_flavors(self, kind: StackComponentType | None = None) -> list[FlavorModel]:
        """Registered flavors."""
        response = self._call(
            self._registry.ListFlavors, pb.ListFlavorsRequest(type=type_to_proto(kind))
        )
        return [FlavorModel.from_proto(f) for f in response.flavors]

    def get_flavor(self, kind: StackComponentType, name: str) -> FlavorModel:
        """One flavor with its config fields."""
        request = pb.GetFlavorRequest(type=type_to_proto(kind), name=name)
        return FlavorModel.from_proto(self._call(self._registry.GetFlavor, request))

    def delete_flavor(self, kind: StackComponentType, name: str) -> None:
        """Removes a flavor."""
        request = pb.DeleteFlavorRequest(type=type_to_proto(kind), name=name)
        self._call(self._registry.DeleteFlavor, request)

    # --- components -------------------------------------------------------------------------

    def register_component(
        self,
        kind: StackComponentType,
        name: str,
        flavor: str,
        values: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
        call_timeout: float = 0.0,
    ) -> ComponentModel:
        """Records a component; `values` are CLI texts, `config` typed values; `call_timeout`
        bounds each call in seconds (0: the host's default)."""
        request = pb.RegisterComponentRequest(
            type=type_to_proto(kind),
            name=name,
            flavor=flavor,
            values=values or {},
            config_json=json.dumps(config) if config else "",
            call_timeout=call_timeout,
        )
        return ComponentModel.from_proto(self._call(self._registry.RegisterComponent, request))

    def list_components(self, kind: StackComponentType | None = None) -> list[ComponentModel]:
        """Registered components."""
        request = pb.ListComponentsRequest(type=type_to_proto(kind))
        response = self._call(self._registry.ListComponents, request)
        return [ComponentModel.from_proto(c) for c in response.components]

    def get_component(self, kind: StackComponentType, name: str) -> ComponentModel:
        """One component."""
        request = pb.GetComponentRequest(type=type_to_proto(kind), name=name)
        return ComponentModel.from_proto(self._call(self._registry.GetComponent, request))

    def update_component(
        self,
        kind: StackComponentType,
        name: str,
        values: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
        call_timeout: float | None = None,
    ) -> ComponentModel:
        """Changes some config fields of a component, and its call deadline if given."""
        request = pb.UpdateComponentRequest(
            type=type_to_proto(kind),
            name=name,
            values=values or {},
            config_json=json.dumps(config) if config else "",
            call_timeout=call_timeout,
        )
        return ComponentModel.from_proto(self._call(self._registry.UpdateComponent, request))

    def delete_component(self, kind: StackComponentType, name: str) -> None:
        """Removes a component."""
        request = pb.DeleteComponentRequest(type=type_to_proto(kind), name=name)
        self._call(self._registry.DeleteComponent, request)

    # --- secrets ----------------------------------------------------------------------------

    def create_secret(self, name: str, values: dict[str, str]) -> SecretModel:
        """Records a secret; config fields reference it as `{{NAME.KEY}}`."""
        request = pb.CreateSecretRequest(name=name, values=values)
        return SecretModel.from_proto(self._call(self._secrets.CreateSecret, request))

    def list_secrets(self) -> list[SecretModel]:
        """Every secret (keys only)."""
        response = self._call(self._secrets.ListSecrets, pb.ListSecretsRequest())
        return [SecretModel.from_proto(s) for s in response.secrets]

    def get_secret(self, name: str, reveal: bool = False) -> SecretModel:
        """One secret; its values only with `reveal`."""
        request = pb.GetSecretRequest(name=name, reveal=reveal)
        return SecretModel.from_proto(self._call(self._secrets.GetSecret, request))

    def update_secret(
        self, name: str, values: dict[str, str] | None = None, remove_keys: Sequence[str] = ()
    ) -> SecretModel:
        """Sets and removes keys of a secret."""
        request = pb.UpdateSecretRequest(
            name=name, values=values or {}, remove_keys=list(remove_keys)
        )
        return SecretModel.from_proto(self._call(self._secrets.UpdateSecret, request))

    def delete_secret(self, name: str, force: bool = False) -> None:
        """Removes a secret (refused while referenced, unless `force`)."""
        self._call(self._secrets.DeleteSecret, pb.DeleteSecretRequest(name=name, force=force))

    # --- pipeline runs ----------------------------------------------------------------------

    def create_run(self, pipeline: str, stack: str, snapshot: dict[str, Any]) -> PipelineRunModel:
        """Records a run of a compiled pipeline (`flavorhost.pipeline` does it for you)."""
        request = runs_pb2.CreateRunRequest(
            pipeline=pipeline, stack=stack, snapshot_json=json.dumps(snapshot)
        )
        return PipelineRunModel.from_proto(self._call(self._runs.CreateRun, request))

    def report_step(
        self,
        run_id: str,
        step: str,
        status: str,
        error: str = "",
        outputs: Sequence[runs_pb2.Artifact] = (),
        metadata: dict[str, Any] | None = None,
    ) -> PipelineRunModel:
        """Records a step's progress: 'running', 'completed' (with its outputs) or 'failed'."""
        request = runs_pb2.ReportStepRequest(
            run_id=run_id,
            step=step,
            status=status_to_proto(status),
            error=error,
            outputs=list(outputs),
            metadata_json=json.dumps(metadata or {}),
        )
        return PipelineRunModel.from_proto(self._call(self._runs.ReportStep, request))

    def update_run(
        self,
        run_id: str,
        orchestrator_run_id: str = "",
        metadata: dict[str, Any] | None = None,
        failure: str = "",
    ) -> PipelineRunModel:
        """Records what the orchestrator said of a run; `failure` ends it as failed."""
        request = runs_pb2.UpdateRunRequest(
            run_id=run_id,
            orchestrator_run_id=orchestrator_run_id,
            metadata_json=json.dumps(metadata or {}),
            status=status_to_proto("failed" if failure else ""),
            error=failure,
        )
        return PipelineRunModel.from_proto(self._call(self._runs.UpdateRun, request))

    def list_runs(self, pipeline: str = "") -> list[PipelineRunModel]:
        """Pipeline runs, newest first (their steps are left out: see `get_run`)."""
        response = self._call(self._runs.ListRuns, runs_pb2.ListRunsRequest(pipeline=pipeline))
        return [PipelineRunModel.from_proto(r) for r in response.runs]

    def get_run(self, run: str) -> PipelineRunModel:
        """A pipeline run by id or name, with its steps and artifacts."""
        return PipelineRunModel.from_proto(
            self._call(self._runs.GetRun, runs_pb2.GetRunRequest(run=run))
        )

    # --- the host ---------------------------------------------------------------------------

    def host_status(self) -> HostStatusModel:
        """The host and its sidecars."""
        return HostStatusModel.from_proto(self._call(self._host.GetStatus, pb.GetStatusRequest()))

    def stop_host(self) -> int:
        """Asks the host to stop; returns its pid."""
        pid = self.host_status().pid
        self._call(self._host.Stop, pb.StopRequest())
        return pid
