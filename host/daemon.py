"""The host daemon: one per `$FLAVORHOST_HOME`, listening on `host.sock` (mode 0600).

With `--address` it also listens on TCP, behind a token (`remote_access.py`).

Wires the registry, the flavor loader, the supervisor, the Registry and Host services and the
component proxy into one gRPC server, and owns them until it stops.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import sys
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import IO, Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

import flavorhost
from flavorhost.enums import StackComponentType
from flavorhost.errors import servicer_errors
from flavorhost.flavors import BUILTIN_FLAVORS, BUILTIN_MANIFESTS
from flavorhost.generated.v1 import (
    alerter_pb2,
    annotator_pb2,
    artifact_store_pb2,
    component_pb2,
    container_registry_pb2,
    data_validator_pb2,
    experiment_tracker_pb2,
    feature_store_pb2,
    host_pb2,
    host_pb2_grpc,
    model_deployer_pb2,
    model_registry_pb2,
    orchestrator_pb2,
    runs_pb2,
    step_operator_pb2,
)
from flavorhost.home import flavorhost_home, host_address, host_socket_path
from flavorhost.host.environments import EnvironmentManager
from flavorhost.host.flavor_loader import FlavorLoader
from flavorhost.host.proxy import ComponentProxy, methods_of
from flavorhost.host.registry import FlavorRecord, Registry
from flavorhost.host.registry_service import RegistryService
from flavorhost.host.remote_access import RemoteAccess, RemoteAccessError, TcpOptions
from flavorhost.host.remote_access import add_arguments as add_tcp_arguments
from flavorhost.host.remote_access import options_from_arguments as tcp_options
from flavorhost.host.run_records import RunRecords
from flavorhost.host.runs_service import RunsService
from flavorhost.host.secrets_service import SecretsService
from flavorhost.host.secrets_store import SecretsStore
from flavorhost.host.sidecar_process import SidecarProcess
from flavorhost.host.supervisor import Supervisor
from flavorhost.manifests import load_manifest
from flavorhost.protocol import (
    LOCAL_SERVER_OPTIONS,
    MAX_CONCURRENT_CALLS,
    MAX_CONCURRENT_CALLS_ENV,
    SERVER_OPTIONS,
)
from flavorhost.stop_signals import stop_on_signals, wait_for_stop
from flavorhost.strict_services import add_servicer
from flavorhost.wire import required_type, type_to_proto

logger = logging.getLogger(__name__)

# The generated file of each component type's service: the proxy forwards all their methods.
COMPONENT_SERVICES: dict[StackComponentType | None, Any] = {
    None: component_pb2.DESCRIPTOR,  # served by every type
    StackComponentType.ARTIFACT_STORE: artifact_store_pb2.DESCRIPTOR,
    StackComponentType.ALERTER: alerter_pb2.DESCRIPTOR,
    StackComponentType.ORCHESTRATOR: orchestrator_pb2.DESCRIPTOR,
    StackComponentType.STEP_OPERATOR: step_operator_pb2.DESCRIPTOR,
    StackComponentType.EXPERIMENT_TRACKER: experiment_tracker_pb2.DESCRIPTOR,
    StackComponentType.CONTAINER_REGISTRY: container_registry_pb2.DESCRIPTOR,
    StackComponentType.ANNOTATOR: annotator_pb2.DESCRIPTOR,
    StackComponentType.DATA_VALIDATOR: data_validator_pb2.DESCRIPTOR,
    StackComponentType.MODEL_DEPLOYER: model_deployer_pb2.DESCRIPTOR,
    StackComponentType.FEATURE_STORE: feature_store_pb2.DESCRIPTOR,
    StackComponentType.MODEL_REGISTRY: model_registry_pb2.DESCRIPTOR,
}
DEFAULT_NAME = "default"


def _concurrency_limit() -> int:
    """How many calls the host serves at once: MAX_CONCURRENT_CALLS unless the environment
    sets another positive number."""
    text = os.environ.get(MAX_CONCURRENT_CALLS_ENV, "")
    if not text:
        return MAX_CONCURRENT_CALLS
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"{MAX_CONCURRENT_CALLS_ENV} must be a positive integer, not {text!r}")
    return int(text)


class HostAlreadyRunning(RuntimeError):
    """Another host holds this home's lock."""


class HostService(host_pb2_grpc.HostServicer):
    """Status and Stop."""

    def __init__(self, daemon: HostDaemon) -> None:
        self._daemon = daemon

    def GetStatus(self, request: host_pb2.GetStatusRequest, context: Any) -> host_pb2.HostStatus:
        return self._daemon.status()

    def Stop(self, request: host_pb2.StopRequest, context: Any) -> host_pb2.StopResponse:
        self._daemon.request_stop()
        return host_pb2.StopResponse()

    @servicer_errors
    def OpenComponent(
        self, request: host_pb2.OpenComponentRequest, context: Any
    ) -> host_pb2.ComponentAccess:
        access = self._daemon.supervisor.open_direct(
            required_type(request.type), request.name, request.failed_pid, request.failed_hung
        )
        if access.sidecar is None:
            return host_pb2.ComponentAccess(
                direct=False, call_timeout=access.timeout, failure=access.failure
            )
        return host_pb2.ComponentAccess(
            direct=True,
            target=access.sidecar.target,
            grant=access.grant,
            expires=access.expires,
            pid=access.sidecar.process.pid,
            call_timeout=access.timeout,
            failure=access.failure,
            files_address=access.sidecar.files_address,
        )


class HostDaemon:
    """The host process's single owner of its lock, registry, sidecars and server."""

    def __init__(self, home: Path, tcp: TcpOptions | None = None) -> None:
        self.home = home
        self.address = host_address(home)
        self.remote = RemoteAccess(home, tcp)
        self.started = time.time()
        self._stop = threading.Event()
        self._lock_file = self._acquire_lock()
        self.registry = Registry(home / "registry.db")
        self.runs = RunRecords(home / "registry.db")
        self.loader = FlavorLoader()
        self.environments = EnvironmentManager(home)
        self.secrets = SecretsStore(home / "secrets.db")
        self.supervisor = Supervisor(
            home, self.registry, self.loader, self.environments, self.secrets
        )
        self._seed()
        self._proxy = ComponentProxy(self.supervisor, methods_of(COMPONENT_SERVICES))
        limit = _concurrency_limit()
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=limit, thread_name_prefix="host"),
            # The unix socket's tuning, unless the host also listens on TCP.
            options=SERVER_OPTIONS if tcp is not None else LOCAL_SERVER_OPTIONS,
            handlers=[self._proxy],
            interceptors=[self.remote.gate],
            # Beyond this, calls fail at once with RESOURCE_EXHAUSTED instead of queueing behind
            # streams that may stay open for long (one worker per open stream).
            maximum_concurrent_rpcs=limit,
        )
        services = host_pb2.DESCRIPTOR.services_by_name
        registry = RegistryService(
            self.registry, self.loader, self.supervisor, self.environments, self.secrets
        )
        add_servicer(self._server, registry, services["Registry"])
        secrets = SecretsService(self.secrets, self.registry, self.supervisor)
        add_servicer(self._server, secrets, services["Secrets"])
        add_servicer(self._server, HostService(self), services["Host"])
        runs = RunsService(self.runs)
        add_servicer(self._server, runs, runs_pb2.DESCRIPTOR.services_by_name["Runs"])
        health_servicer = health.HealthServicer()
        health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, self._server)

    def _acquire_lock(self) -> IO[str]:
        lock = open(self.home / "host.lock", "a+")  # noqa: SIM115 - held for the host's life
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            pid = lock.read().strip() or "?"
            lock.close()
            raise HostAlreadyRunning(f"a host already runs for {self.home} (pid {pid})") from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        return lock

    def _seed(self) -> None:
        """Registers the built-in flavors, and the default stack on first start."""
        for source in BUILTIN_FLAVORS:
            loaded = self.loader.load(source)
            self.registry.put_flavor(
                FlavorRecord(loaded.type, loaded.name, source, "", True, loaded.requirements),
                replace=True,
            )
        for path in BUILTIN_MANIFESTS:
            manifest = load_manifest(path)
            self.registry.put_flavor(
                FlavorRecord(
                    manifest.type, manifest.name, path, "", True, manifest=manifest.to_json()
                ),
                replace=True,
            )
        if self.registry.active_stack_name() is not None:
            return
        defaults: dict[StackComponentType, tuple[str, dict[str, Any]]] = {
            StackComponentType.ARTIFACT_STORE: (
                "local",
                {"path": str(self.home / "local_stores" / DEFAULT_NAME)},
            ),
            StackComponentType.ORCHESTRATOR: ("local", {}),
        }
        for kind, (flavor_name, config) in defaults.items():
            if any(c.name == DEFAULT_NAME for c in self.registry.list_components(kind)):
                continue
            flavor = self.registry.get_flavor(kind, flavor_name)
            self.loader.load_flavor(flavor).config.validate(config, flavor_name)
            self.registry.add_component(kind, DEFAULT_NAME, flavor_name, config)
        if not any(s.name == DEFAULT_NAME for s in self.registry.list_stacks()):
            self.registry.add_stack(DEFAULT_NAME, dict.fromkeys(defaults, DEFAULT_NAME))
        self.registry.set_active_stack(DEFAULT_NAME)

    def serve(self) -> None:
        """Listens on the socket and blocks until stopped."""
        socket_path = host_socket_path(self.home)
        socket_path.unlink(missing_ok=True)  # stale: we hold the lock
        old_umask = os.umask(0o177)
        try:
            self.remote.bind(self._server)
            self._server.add_insecure_port(self.address)
            self._server.start()
        finally:
            os.umask(old_umask)
        os.chmod(socket_path, 0o600)
        self.remote.publish()
        logger.info("host %d listening on %s", os.getpid(), self.address)
        wait_for_stop(self._stop)
        self.close()

    def stop_on_signals(self) -> None:
        """Makes SIGTERM and SIGINT stop the host like `host stop`."""
        stop_on_signals(self._stop)

    def request_stop(self) -> None:
        """Makes `serve()` return (after answering the current calls)."""
        self._stop.set()

    def status(self) -> host_pb2.HostStatus:
        """The host and its sidecars."""
        return host_pb2.HostStatus(
            pid=os.getpid(),
            address=self.address,
            started=self.started,
            version=flavorhost.__version__,
            sidecars=[self._sidecar_status(s) for s in self.supervisor.sidecars()],
            tcp_address=self.remote.address,
            tcp_tls=bool(self.remote.options and self.remote.options.tls),
            tcp_token_file=str(self.remote.token_file or ""),
        )

    def _sidecar_status(self, sidecar: SidecarProcess) -> host_pb2.SidecarStatus:
        flavor = sidecar.flavor
        failure = self.supervisor.failure(flavor.type, flavor.name)
        state = "failed" if failure else "running" if sidecar.alive else "exited"
        return host_pb2.SidecarStatus(
            pid=sidecar.process.pid,
            flavor=flavor.name,
            type=type_to_proto(flavor.type),
            components=sidecar.components,
            started=sidecar.started,
            state=state,
            log_path=str(sidecar.log_path),
            runtime=sidecar.runtime,
            restarts=self.supervisor.restarts(flavor.type, flavor.name),
            environment=sidecar.program,
            error=failure,
        )

    def close(self) -> None:
        """Stops the server, the sidecars and the registry; removes the socket; unlocks."""
        self._server.stop(grace=2).wait(5)
        self._proxy.close()
        self.supervisor.close()
        self.registry.close()
        self.runs.close()
        self.secrets.close()
        host_socket_path(self.home).unlink(missing_ok=True)
        self.remote.close()
        self._lock_file.close()
        logger.info("host stopped")


def main(argv: list[str] | None = None) -> None:
    """`python -m flavorhost.host`: serve in the foreground until SIGTERM, SIGINT or Stop."""
    parser = argparse.ArgumentParser(prog="flavorhost-host", description=__doc__)
    parser.add_argument("--home", type=Path, help="state folder (default $FLAVORHOST_HOME)")
    add_tcp_arguments(parser)
    options = parser.parse_args(argv)
    try:
        tcp = tcp_options(options)
    except RemoteAccessError as error:
        parser.error(str(error))  # exits 2 before anything starts
    if options.home:
        os.environ["FLAVORHOST_HOME"] = str(options.home.absolute())
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format=f"%(asctime)s host[{os.getpid()}] %(levelname)s %(name)s: %(message)s",
    )
    try:
        daemon = HostDaemon(flavorhost_home(), tcp)
    except HostAlreadyRunning as error:
        logger.info("%s", error)
        raise SystemExit(3) from None
    daemon.stop_on_signals()
    daemon.serve()
