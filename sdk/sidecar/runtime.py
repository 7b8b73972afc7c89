"""A sidecar's main: load the flavor, serve on a private unix socket, print the handshake.

Launched by the host with the environment of docs/protocol.md. Logs go to stderr (the host keeps
them in a per-sidecar file); stdout carries the handshake line only.
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent import futures
from pathlib import Path
from typing import IO

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import lifecycle_pb2
from flavorhost.protocol import (
    COOKIE_ENV,
    COOKIE_VALUE,
    CORE_VERSION,
    FLAVOR_SOURCE_ENV,
    LOCAL_SERVER_OPTIONS,
    MAX_CONCURRENT_CALLS,
    PROTOCOL_VERSION,
    SOCKET_DIR_ENV,
    SOURCE_ROOT_ENV,
    TOKEN_ENV,
    Handshake,
)
from flavorhost.sidecar import component_servicer
from flavorhost.sidecar.auth import TokenInterceptor
from flavorhost.sidecar.components import ComponentTable, LifecycleServicer
from flavorhost.sidecar.file_handover_server import FileHandoverServer
from flavorhost.sources import import_flavor_class
from flavorhost.stop_signals import stop_on_signals, wait_for_stop
from flavorhost.strict_services import add_servicer

logger = logging.getLogger("flavorhost.sidecar")

# Each component type's servicer module (its `register` adds the service to a server),
# imported only for the sidecar's own flavor type: a sidecar starts without the others.
SERVICES: dict[StackComponentType, str] = {
    StackComponentType.ARTIFACT_STORE: "flavorhost.sidecar.artifact_store_servicer",
    StackComponentType.ALERTER: "flavorhost.sidecar.alerter_servicer",
    StackComponentType.ORCHESTRATOR: "flavorhost.sidecar.orchestrator_servicer",
    StackComponentType.STEP_OPERATOR: "flavorhost.sidecar.step_operator_servicer",
    StackComponentType.EXPERIMENT_TRACKER: "flavorhost.sidecar.experiment_tracker_servicer",
    StackComponentType.CONTAINER_REGISTRY: "flavorhost.sidecar.container_registry_servicer",
    StackComponentType.ANNOTATOR: "flavorhost.sidecar.annotator_servicer",
    StackComponentType.DATA_VALIDATOR: "flavorhost.sidecar.data_validator_servicer",
    StackComponentType.MODEL_DEPLOYER: "flavorhost.sidecar.model_deployer_servicer",
    StackComponentType.FEATURE_STORE: "flavorhost.sidecar.feature_store_servicer",
    StackComponentType.MODEL_REGISTRY: "flavorhost.sidecar.model_registry_servicer",
}
LIFECYCLE_SERVICE = "flavorhost.v1.Lifecycle"
SHUTDOWN_GRACE_SECONDS = 5.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Asks Linux to SIGTERM this process when the host that launched it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        logger.warning("could not set the parent-death signal")


def _reserve_stdout_for_the_handshake() -> IO[str]:
    """Sends everything else written to stdout (by Python or native code) to stderr.

    Only the handshake goes to the real stdout, which is closed right after it: nothing a flavor
    prints can garble the handshake, or fill a pipe the host no longer reads.
    """
    handshake = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return handshake


def serve(
    flavor_source: str, source_root: str | None, socket_dir: Path, token: str, out: IO[str]
) -> None:
    """Serves the flavor until Shutdown or SIGTERM."""
    flavor = import_flavor_class(flavor_source, source_root)()
    table = ComponentTable(flavor)
    servicer_module = SERVICES.get(flavor.type)
    if servicer_module is None:
        raise SystemExit(f"flavorhost sidecars do not serve {flavor.type.value} flavors yet")
    register: Callable[[grpc.Server, ComponentTable], str]
    register = importlib.import_module(servicer_module).register
    stop = threading.Event()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=MAX_CONCURRENT_CALLS, thread_name_prefix="sidecar"),
        options=LOCAL_SERVER_OPTIONS,
        interceptors=[TokenInterceptor(token)],
        maximum_concurrent_rpcs=MAX_CONCURRENT_CALLS,
    )
    service = register(server, table)
    common = component_servicer.register(server, table)
    # Artifact stores may hand clients on this machine their local files' descriptors.
    files = None
    if flavor.type == StackComponentType.ARTIFACT_STORE:
        try:
            files = FileHandoverServer(socket_dir / f"sidecar-{os.getpid()}.files", table, token)
        except OSError as error:  # clients then stream; the sidecar itself still serves
            logger.warning("serving without file handover: %s", error)
    add_servicer(
        server,
        LifecycleServicer(
            table, [LIFECYCLE_SERVICE, service, common], stop, str(files.path) if files else ""
        ),
        lifecycle_pb2.DESCRIPTOR.services_by_name["Lifecycle"],
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", LIFECYCLE_SERVICE, service, common):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)

    socket_path = socket_dir / f"sidecar-{os.getpid()}.sock"
    server.add_insecure_port(f"unix://{socket_path}")
    server.start()
    os.chmod(socket_path, 0o600)
    stop_on_signals(stop)
    logger.info("serving flavor %r (%s) on %s", flavor.name, flavor.type.value, socket_path)
    out.write(Handshake(CORE_VERSION, PROTOCOL_VERSION, "unix", str(socket_path)).line() + "\n")
    out.close()
    wait_for_stop(stop)
    logger.info("shutting down")
    health_servicer.enter_graceful_shutdown()
    server.stop(SHUTDOWN_GRACE_SECONDS).wait(SHUTDOWN_GRACE_SECONDS + 1)
    if files is not None:
        files.close()
    # Components may hold processes or servers of their own (the local model deployer's model
    # servers, an annotator's interface): their cleanup() ends them.
    table.release_all()
    socket_path.unlink(missing_ok=True)


def main() -> None:
    """Checks it was launched by a host, then serves."""
    if os.environ.get(COOKIE_ENV) != COOKIE_VALUE:
        sys.stderr.write(
            "This is a flavorhost sidecar; the flavorhost host launches it. "
            "Use `flavorhost` commands or the SDK instead of running it by hand.\n"
        )
        raise SystemExit(1)
    _die_with_parent()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format=f"%(asctime)s sidecar[{os.getpid()}] %(levelname)s %(name)s: %(message)s",
    )
    token = os.environ.pop(TOKEN_ENV, "")
    if not token:
        sys.stderr.write(f"{TOKEN_ENV} is empty; the host gives every sidecar a token\n")
        raise SystemExit(1)
    flavor_source = os.environ.get(FLAVOR_SOURCE_ENV, "")
    if not flavor_source:
        sys.stderr.write(
            f"{FLAVOR_SOURCE_ENV} is not set: give the dotted path of the Flavor class this "
            "sidecar serves, e.g. flavors.my_flavor.MyFlavor\n"
        )
        raise SystemExit(1)
    out = _reserve_stdout_for_the_handshake()
    serve(
        flavor_source=flavor_source,
        source_root=os.environ.get(SOURCE_ROOT_ENV) or None,
        socket_dir=Path(os.environ[SOCKET_DIR_ENV]),
        token=token,
        out=out,
    )
