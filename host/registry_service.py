"""The Registry gRPC service: validates with config classes, stores in the Registry."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import grpc

from flavorhost import errors
from flavorhost.config_schemas import ConfigSchema
from flavorhost.configs import mask_secrets
from flavorhost.enums import StackComponentType
from flavorhost.errors import (
    ComponentUnavailableError,
    ConfigValidationError,
    EntityExistsError,
    EntityNotFoundError,
    FlavorSourceError,
    servicer_errors,
)
from flavorhost.generated.v1 import host_pb2 as pb
from flavorhost.generated.v1 import host_pb2_grpc
from flavorhost.host.environments import EnvironmentManager
from flavorhost.host.flavor_loader import FlavorLoader, LoadedFlavor
from flavorhost.host.launch_commands import exported_launch, manifest_launch
from flavorhost.host.registry import (
    ComponentRecord,
    FlavorRecord,
    Registry,
    StackRecord,
    check_call_timeout,
)
from flavorhost.host.secret_references import (
    check_references,
    component_secret_name,
    parse_reference,
    referenced_secrets,
    store_literals,
)
from flavorhost.host.secrets_store import SecretsStore
from flavorhost.host.supervisor import Supervisor
from flavorhost.manifests import MANIFEST_VERSION, FlavorManifest, load_manifest
from flavorhost.protocol import PROTOCOL_VERSION
from flavorhost.wire import required_type, type_from_proto, type_to_proto

INTERPRETER_CHECK_SECONDS = 60


def shown_config(config: ConfigSchema, values: dict[str, Any]) -> dict[str, Any]:
    """A config as it may be shown: secret references as they are, any other secret masked."""
    masked = mask_secrets(config.secret_fields(), values)
    return {k: values[k] if parse_reference(values[k]) else v for k, v in masked.items()}


def check_interpreter(python: str) -> None:
    """Refuses a --python interpreter that cannot run the flavorhost sidecar runtime."""
    try:
        result = subprocess.run(
            [python, "-c", "import flavorhost.sidecar.runtime"],
            capture_output=True,
            text=True,
            timeout=INTERPRETER_CHECK_SECONDS,
            check=False,
        )
    except OSError as error:
        raise ValueError(f"cannot run --python {python}: {error}") from error
    if result.returncode != 0:
        raise ValueError(
            f"--python {python} cannot import flavorhost; install it there first "
            f"({python} -m pip install flavorhost), or let flavorhost manage the environment "
            "with --requirement"
        )


class RegistryService(host_pb2_grpc.RegistryServicer):
    """Flavors, components and stacks over gRPC."""

    def __init__(
        self,
        registry: Registry,
        loader: FlavorLoader,
        supervisor: Supervisor,
        environments: EnvironmentManager,
        secrets: SecretsStore,
    ) -> None:
        self._secrets = secrets
        self._registry = registry
        self._loader = loader
        self._supervisor = supervisor
        self._environments = environments
        self._registering = threading.Lock()

    # --- helpers ----------------------------------------------------------------------------

    def _load(self, flavor: FlavorRecord) -> LoadedFlavor:
        return self._loader.load_flavor(flavor)

    def _flavor_message(self, flavor: FlavorRecord) -> pb.Flavor:
        loaded = self._load(flavor)
        environment = self._environments.state(flavor.requirements, flavor.python)
        # A Python flavor's manifest is generated here, not given: it is built without the checks
        # a registered manifest must pass (a class may have, say, a dict secret field), so
        # describing any flavor works; registering the export still applies them.
        manifest = loaded.manifest or FlavorManifest.model_construct(
            manifest_version=MANIFEST_VERSION,
            name=flavor.name,
            type=flavor.type,
            protocol_version=PROTOCOL_VERSION,
            docs_url=loaded.docs_url or "",
            config_schema=loaded.config.json_schema(),
            launch=exported_launch(flavor, environment.python),
        )
        return pb.Flavor(
            name=flavor.name,
            type=type_to_proto(flavor.type),
            source=flavor.source,
            source_root=flavor.source_root,
            builtin=flavor.builtin,
            fields=[
                pb.ConfigField(
                    name=f.name,
                    type=f.type,
                    required=f.required,
                    default_json=f.default_json,
                    secret=f.secret,
                    description=f.description,
                )
                for f in loaded.config.fields()
            ],
            config_schema_json=json.dumps(loaded.config.json_schema()),
            docs_url=loaded.docs_url or "",
            requirements=flavor.requirements,
            environment_state=environment.state,
            environment_python=environment.python,
            environment_message=environment.message,
            manifest_json=manifest.to_json(),
            from_manifest=bool(flavor.manifest),
        )

    def _component_message(self, component: ComponentRecord) -> pb.Component:
        # Stored configs hold secret references, never values, so they are safe to show as-is
        # when the flavor no longer loads or validates them (the component is then "broken").
        error = ""
        shown = component.config
        try:
            flavor = self._registry.get_flavor(component.type, component.flavor)
            config = self._load(flavor).config
            shown = shown_config(config, config.validate(component.config, flavor.name))
        except (ConfigValidationError, FlavorSourceError, EntityNotFoundError) as problem:
            error = str(problem)
        error = error or self._supervisor.failure(component.type, component.flavor)
        return pb.Component(
            id=component.id,
            type=type_to_proto(component.type),
            name=component.name,
            flavor=component.flavor,
            config_json=json.dumps(shown),
            created=component.created,
            updated=component.updated,
            error=error,
            call_timeout=component.call_timeout,
        )

    def _stack_message(self, stack: StackRecord) -> pb.Stack:
        return pb.Stack(
            id=stack.id,
            name=stack.name,
            components=[self._component_message(c) for c in stack.members.values()],
            active=self._registry.active_stack_name() == stack.name,
        )

    def _validated(
        self,
        kind: StackComponentType,
        name: str,
        flavor_name: str,
        base: dict[str, Any],
        values: dict[str, str],
        config_json: str,
    ) -> dict[str, Any]:
        """The config to store: base, then CLI values, then JSON values, validated."""
        flavor = self._registry.get_flavor(kind, flavor_name)
        config = self._load(flavor).config
        merged = {**base, **config.parse_cli_values(dict(values))}
        if config_json:
            extra = json.loads(config_json)
            if not isinstance(extra, dict):
                raise ValueError("config_json must be a JSON object")
            merged.update(extra)
        check_references(self._secrets, merged)
        validated = config.validate(merged, flavor.name)
        stored = {field: value for field, value in validated.items() if field in merged}
        # Only now, with the config valid, do literal secret values move into a secret.
        return store_literals(self._secrets, config.secret_fields(), kind, name, stored)

    # --- flavors ----------------------------------------------------------------------------

    def _python_record(self, request: pb.RegisterFlavorRequest) -> FlavorRecord:
        """A Python flavor to register: its class imported for name, type and requirements."""
        loaded = self._loader.load(request.source, request.source_root)
        if request.python:
            check_interpreter(request.python)
        requirements = tuple(dict.fromkeys([*loaded.requirements, *request.requirements]))
        return FlavorRecord(
            loaded.type,
            loaded.name,
            request.source,
            request.source_root,
            False,
            requirements,
            request.python,
        )

    def _manifest_record(self, request: pb.RegisterFlavorRequest) -> FlavorRecord:
        """A manifest flavor to register: the manifest read now, its command checked."""
        if request.requirements or request.python:
            raise ValueError(
                "--requirement and --python are for Python flavors; a manifest flavor runs "
                "the command its manifest's `launch` names"
            )
        path = os.path.abspath(request.manifest_path)
        manifest = load_manifest(path)
        record = FlavorRecord(
            manifest.type, manifest.name, path, "", False, manifest=manifest.to_json()
        )
        try:  # a missing program is refused now, not at the first call
            manifest_launch(record, manifest.launch)
        except ComponentUnavailableError as error:
            raise FlavorSourceError(str(error)) from None
        return record

    @servicer_errors
    def RegisterFlavor(self, request: pb.RegisterFlavorRequest, context: Any) -> pb.Flavor:
        kind = required_type(request.type)
        if request.manifest_path:
            record = self._manifest_record(request)
            what, how = f"manifest {request.manifest_path}", f"--manifest {request.manifest_path}"
        else:
            record = self._python_record(request)
            what, how = request.source, request.source
        if record.type != kind:
            raise ValueError(
                f"{what} declares a flavor of type {record.type.value}, not {kind.value}; "
                "register it with "
                f"`flavorhost {record.type.cli_name} flavor register {how}`"
            )
        existing = next(
            (f for f in self._registry.list_flavors(kind) if f.name == record.name), None
        )
        same_source = existing is not None and (existing.source, existing.source_root) == (
            record.source,
            record.source_root,
        )
        if existing is not None and existing.builtin:
            raise EntityExistsError(
                f"{record.name!r} is the name of a built-in {kind.value.replace('_', ' ')} "
                "flavor; give your flavor another name (names are unique within a component type)"
            )
        self._registry.put_flavor(record, replace=same_source)
        self._supervisor.forget_flavor(kind, record.name)
        return self._flavor_message(record)

    def BuildFlavorEnvironment(
        self, request: pb.GetFlavorRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.EnvironmentProgress]:
        lines: queue.Queue[str | None] = queue.Queue()
        failure: list[BaseException] = []

        def build() -> None:
            try:
                flavor = self._registry.get_flavor(required_type(request.type), request.name)
                self._environments.ensure(flavor.requirements, flavor.python, lines.put)
            except Exception as error:
                failure.append(error)
            finally:
                lines.put(None)

        threading.Thread(target=build, name="environment-build", daemon=True).start()
        while (line := lines.get()) is not None:
            yield pb.EnvironmentProgress(line=line)
        if failure:
            errors.abort(context, failure[0])
        yield pb.EnvironmentProgress(line="", done=True)

    @servicer_errors
    def ListFlavors(self, request: pb.ListFlavorsRequest, context: Any) -> pb.ListFlavorsResponse:
        kind = type_from_proto(request.type, required=False)
        flavors = [
            pb.Flavor(
                name=f.name,
                type=type_to_proto(f.type),
                source=f.source,
                source_root=f.source_root,
                builtin=f.builtin,
                from_manifest=bool(f.manifest),
            )
            for f in self._registry.list_flavors(kind)
        ]
        return pb.ListFlavorsResponse(flavors=flavors)

    @servicer_errors
    def GetFlavor(self, request: pb.GetFlavorRequest, context: Any) -> pb.Flavor:
        return self._flavor_message(
            self._registry.get_flavor(required_type(request.type), request.name)
        )

    @servicer_errors
    def DeleteFlavor(
        self, request: pb.DeleteFlavorRequest, context: Any
    ) -> pb.DeleteFlavorResponse:
        kind = required_type(request.type)
        self._registry.delete_flavor(kind, request.name)
        self._supervisor.forget_flavor(kind, request.name)
        return pb.DeleteFlavorResponse()

    # --- components -------------------------------------------------------------------------

    @servicer_errors
    def RegisterComponent(self, request: pb.RegisterComponentRequest, context: Any) -> pb.Component:
        kind = required_type(request.type)
        check_call_timeout(request.call_timeout)  # before _validated() may store secrets
        # The name is checked before literal secret values are stored: they go into the secret
        # named after the component, which belongs to the existing component of that name, if
        # any. The lock keeps two registrations of one new name from both getting that far.
        with self._registering:
            self._registry.check_component_name_free(kind, request.name)
            config = self._validated(
                kind, request.name, request.flavor, {}, dict(request.values), request.config_json
            )
            component = self._registry.add_component(
                kind, request.name, request.flavor, config, request.call_timeout
            )
        return self._component_message(component)

    @servicer_errors
    def ListComponents(
        self, request: pb.ListComponentsRequest, context: Any
    ) -> pb.ListComponentsResponse:
        kind = type_from_proto(request.type, required=False)
        return pb.ListComponentsResponse(
            components=[self._component_message(c) for c in self._registry.list_components(kind)]
        )

    @servicer_errors
    def GetComponent(self, request: pb.GetComponentRequest, context: Any) -> pb.Component:
        return self._component_message(
            self._registry.get_component(required_type(request.type), request.name)
        )

    @servicer_errors
    def UpdateComponent(self, request: pb.UpdateComponentRequest, context: Any) -> pb.Component:
        kind = required_type(request.type)
        current = self._registry.get_component(kind, request.name)
        call_timeout = request.call_timeout if request.HasField("call_timeout") else None
        if call_timeout is not None:
            check_call_timeout(call_timeout)
        config = self._validated(
            kind,
            request.name,
            current.flavor,
            current.config,
            dict(request.values),
            request.config_json,
        )
        updated = self._registry.update_component(kind, request.name, config, call_timeout)
        self._supervisor.reset_failure(kind, current.flavor)
        self._supervisor.reconfigure(kind, request.name)
        return self._component_message(updated)

    @servicer_errors
    def DeleteComponent(
        self, request: pb.DeleteComponentRequest, context: Any
    ) -> pb.DeleteComponentResponse:
        kind = required_type(request.type)
        self._registry.delete_component(kind, request.name)
        self._supervisor.forget(kind, request.name)
        self._delete_own_secret(kind, request.name)
        return pb.DeleteComponentResponse()

    def _delete_own_secret(self, kind: StackComponentType, component: str) -> None:
        """Deletes the secret that holds a deleted component's literal secret values, unless
        another component's config refers to it: credentials must not outlive their user."""
        name = component_secret_name(kind, component)
        users = [
            c for c in self._registry.list_components() if name in referenced_secrets(c.config)
        ]
        if users:
            return
        with contextlib.suppress(EntityNotFoundError):
            self._secrets.delete(name)

    # --- stacks -----------------------------------------------------------------------------

    @servicer_errors
    def RegisterStack(self, request: pb.RegisterStackRequest, context: Any) -> pb.Stack:
        members: dict[StackComponentType, str] = {}
        for member in request.members:
            kind = required_type(member.type)
            if kind in members:
                raise ValueError(f"a stack takes one {kind.value}; got two")
            members[kind] = member.component
        return self._stack_message(self._registry.add_stack(request.name, members))

    @servicer_errors
    def ListStacks(self, request: pb.ListStacksRequest, context: Any) -> pb.ListStacksResponse:
        return pb.ListStacksResponse(
            stacks=[self._stack_message(s) for s in self._registry.list_stacks()]
        )

    @servicer_errors
    def GetStack(self, request: pb.GetStackRequest, context: Any) -> pb.Stack:
        name = request.name or self._registry.active_stack_name()
        if not name:
            raise ValueError("no stack is active; activate one with `flavorhost stack set NAME`")
        return self._stack_message(self._registry.get_stack(name))

    @servicer_errors
    def SetActiveStack(self, request: pb.SetActiveStackRequest, context: Any) -> pb.Stack:
        return self._stack_message(self._registry.set_active_stack(request.name))

    @servicer_errors
    def DeleteStack(self, request: pb.DeleteStackRequest, context: Any) -> pb.DeleteStackResponse:
        self._registry.delete_stack(request.name)
        return pb.DeleteStackResponse()


__all__ = ["RegistryService"]
