"""Lifecycle, health and authentication checks every sidecar must pass (docs/protocol.md)."""

from __future__ import annotations

import os
import stat
import time
import uuid
from functools import partial
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from flavorhost import grants
from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import (
    CALL_TIMEOUT_SECONDS,
    COMPONENT_SERVICE,
    HEALTH_SERVICE,
    LIFECYCLE_SERVICE,
    Probe,
    descriptor_for,
    expect_error,
)
from flavorhost.generated.v1 import component_pb2, component_pb2_grpc, lifecycle_pb2
from flavorhost.protocol import (
    COMPONENT_METADATA_KEY,
    CORE_VERSION,
    GRANT_METADATA_KEY,
    PROTOCOL_VERSION,
    TOKEN_METADATA_KEY,
)
from flavorhost.wire import type_from_proto

SUITE = Suite("lifecycle")
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED
EXIT_SECONDS = 10.0


def _validate_empty(probe: Probe, metadata: Any) -> Any:
    stub = component_pb2_grpc.StackComponentStub(probe.target.channel)
    return stub.ValidateSettings(
        component_pb2.ValidateSettingsRequest(settings_json="{}"),
        metadata=metadata,
        timeout=CALL_TIMEOUT_SECONDS,
    )


@SUITE.check("handshake line", "(launch)", owns_process=True, component=False)
def handshake(probe: Probe) -> str:
    shake = probe.target.handshake
    assert shake is not None and probe.target.socket_dir is not None
    if (shake.core_version, shake.protocol_version) != (CORE_VERSION, PROTOCOL_VERSION):
        raise CheckFailed(f"versions {shake.core_version}|{shake.protocol_version}, want 1|1")
    path = shake.address
    if not os.path.isabs(path):
        raise CheckFailed(f"socket address {path!r} is not absolute")
    if os.path.dirname(path) != str(probe.target.socket_dir):
        raise CheckFailed(
            f"socket {path} is not in FLAVORHOST_SOCKET_DIR {probe.target.socket_dir}"
        )
    mode = os.stat(path).st_mode
    if not stat.S_ISSOCK(mode):
        raise CheckFailed(f"{path} is not a socket")
    if stat.S_IMODE(mode) != 0o600:
        raise CheckFailed(f"socket mode is {oct(stat.S_IMODE(mode))}, want 0o600")
    return probe.target.handshake_line


@SUITE.check("plugin info", "Lifecycle/GetPluginInfo", token=True, component=False)
def plugin_info(probe: Probe) -> str:
    info = probe.info or probe.call(
        probe.lifecycle.GetPluginInfo, lifecycle_pb2.GetPluginInfoRequest(), probe.token_metadata()
    )
    problems = []
    if not info.flavor_name:
        problems.append("flavor_name is empty")
    kind = type_from_proto(info.component_type, required=False)
    if kind != probe.kind:
        problems.append(f"component_type is {kind}, not {probe.kind.value}")
    if info.protocol_version != PROTOCOL_VERSION:
        problems.append(f"protocol_version is {info.protocol_version}, not {PROTOCOL_VERSION}")
    for service in (LIFECYCLE_SERVICE, probe.service):
        if service not in info.services:
            problems.append(f"services lack {service}")
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"flavor {info.flavor_name!r}, {len(info.services)} services"


def _one_method_per_service(probe: Probe) -> list[tuple[str, str, tuple[bool, bool]]]:
    """(service, method path, streaming) for Health and every advertised flavorhost service."""
    calls = [(HEALTH_SERVICE, f"/{HEALTH_SERVICE}/Check", (False, False))]
    for service in probe.services:
        descriptor = descriptor_for(service)
        if descriptor is None:
            continue  # advertised but unknown to this kit: nothing to call
        method = descriptor.methods[0]
        streaming = (method.client_streaming, method.server_streaming)
        calls.append((service, f"/{service}/{method.name}", streaming))
    return calls


def _call_raw(probe: Probe, path: str, streaming: tuple[bool, bool], metadata: Any) -> Any:
    method = probe.raw(path, streaming)
    request: Any = iter([b""]) if streaming[0] else b""
    result = method(request, metadata=metadata, timeout=CALL_TIMEOUT_SECONDS)
    return list(result) if streaming[1] else result


@SUITE.check("token required", "(every service)", component=False)
def token_required(probe: Probe) -> str:
    if probe.target.through_host:
        raise Skip("the host stands between the kit and this sidecar")
    component = ((COMPONENT_METADATA_KEY, probe.component),)
    wrong = ((TOKEN_METADATA_KEY, "not-the-token"),)
    checked = []
    for service, path, streaming in _one_method_per_service(probe):
        for label, metadata in (("no token", component), ("a wrong token", component + wrong)):
            try:
                expect_error(partial(_call_raw, probe, path, streaming, metadata), UNAUTHENTICATED)
            except CheckFailed as failure:
                raise CheckFailed(f"{service} with {label}: {failure}") from None
        checked.append(service.rsplit(".", 1)[-1])
    return "refused on " + ", ".join(checked)


@SUITE.check("health serving", "Health/Check", component=False)
def health_serving(probe: Probe) -> str:
    if not probe.target.token and not probe.target.component_metadata:
        raise Skip(f"Health needs the token or a grant too: {probe.target.why_no_token}")
    metadata = probe.token_metadata() if probe.target.token else probe.metadata()
    stub = health_pb2_grpc.HealthStub(probe.target.channel)
    names = ["", LIFECYCLE_SERVICE, probe.service]
    if COMPONENT_SERVICE in probe.services:
        names.append(COMPONENT_SERVICE)
    if probe.target.through_host:
        raise Skip("the host answers Health itself for this component")
    for name in names:
        reply = probe.call(stub.Check, health_pb2.HealthCheckRequest(service=name), metadata)
        if reply.status != health_pb2.HealthCheckResponse.SERVING:
            raise CheckFailed(f"Health of {name!r} is {reply.status}, want SERVING")
    return f"{len(names)} names SERVING"


def _validate_call(probe: Probe, metadata: Any) -> Any:
    """A cheap component call every sidecar serves: ValidateSettings({})."""
    return lambda: _validate_empty(probe, metadata)


@SUITE.check(
    "configure then call", ("Lifecycle/Configure", "StackComponent/ValidateSettings"), token=True
)
def configure_then_call(probe: Probe) -> None:
    # The runner configured the kit's component before the suites ran.
    probe.call(
        component_pb2_grpc.StackComponentStub(probe.target.channel).ValidateSettings,
        component_pb2.ValidateSettingsRequest(settings_json="{}"),
    )


@SUITE.check("unconfigured component", "StackComponent/ValidateSettings", token=True)
def unconfigured_component(probe: Probe) -> None:
    never = f"conformance-never-{uuid.uuid4().hex[:8]}"
    expect_error(
        _validate_call(probe, probe.metadata(never)),
        grpc.StatusCode.FAILED_PRECONDITION,
        "COMPONENT_NOT_CONFIGURED",
    )


@SUITE.check("missing component metadata", "StackComponent/ValidateSettings", token=True)
def missing_component_metadata(probe: Probe) -> None:
    expect_error(_validate_call(probe, probe.token_metadata()), grpc.StatusCode.INVALID_ARGUMENT)


@SUITE.check("config not a JSON object", "Lifecycle/Configure", token=True, component=False)
def config_not_an_object(probe: Probe) -> str:
    name = f"conformance-bad-{uuid.uuid4().hex[:8]}"
    for text in ("not json", "[1, 2]", '"a string"'):
        request = lifecycle_pb2.ConfigureRequest(
            component_name=name, component_id=str(uuid.uuid4()), config_json=text
        )
        try:
            expect_error(
                partial(
                    probe.lifecycle.Configure,
                    request,
                    metadata=probe.token_metadata(),
                    timeout=CALL_TIMEOUT_SECONDS,
                ),
                grpc.StatusCode.INVALID_ARGUMENT,
                "INVALID_CONFIG",
            )
        except CheckFailed as failure:
            raise CheckFailed(f"config_json {text!r}: {failure}") from None
    return "3 configs refused"


@SUITE.check("configure twice", "Lifecycle/Configure", token=True)
def configure_twice(probe: Probe) -> None:
    if probe.config is None:
        raise Skip("no config to configure with")
    probe.configure(probe.component, probe.config)
    probe.configure(probe.component, probe.config)
    _validate_call(probe, probe.metadata())()


@SUITE.check("release unknown", "Lifecycle/Release", token=True, component=False)
def release_unknown(probe: Probe) -> None:
    probe.release(f"conformance-never-{uuid.uuid4().hex[:8]}")


@SUITE.check("release twice, then not configured", "Lifecycle/Release", token=True)
def release_twice(probe: Probe) -> None:
    if probe.config is None:
        raise Skip("no config to configure with")
    name = f"conformance-released-{uuid.uuid4().hex[:8]}"
    probe.configure(name, probe.config)
    _validate_call(probe, probe.metadata(name))()
    probe.release(name)
    probe.release(name)
    expect_error(
        _validate_call(probe, probe.metadata(name)),
        grpc.StatusCode.FAILED_PRECONDITION,
        "COMPONENT_NOT_CONFIGURED",
    )


def _grant_metadata(probe: Probe, grant: str) -> tuple[tuple[str, str], ...]:
    component = probe.target.component or probe.component
    return ((COMPONENT_METADATA_KEY, component), (GRANT_METADATA_KEY, grant))


@SUITE.check("grant accepted", "StackComponent/ValidateSettings")
def grant_accepted(probe: Probe) -> str:
    if probe.target.through_host:
        raise Skip("the host keeps this component behind itself (no grant)")
    if probe.target.token:
        grant = grants.mint(probe.target.token, probe.component, time.time() + 300)
        _validate_call(probe, _grant_metadata(probe, grant))()
        return "a grant minted with the token opens the component"
    _validate_call(probe, probe.metadata())()
    return "the host's grant opens the component"


@SUITE.check("grant expired or forged", "StackComponent/ValidateSettings")
def grant_refused(probe: Probe) -> str:
    if probe.target.through_host:
        raise Skip("the host keeps this component behind itself (no grant)")
    later = time.time() + 300
    forged = {
        "forged": grants.mint("not-the-token", probe.component, later),
        "malformed": "12345",
    }
    if probe.target.token:
        forged["expired"] = grants.mint(probe.target.token, probe.component, time.time() - 1)
        forged["for another component"] = grants.mint(probe.target.token, "someone-else", later)
    for label, grant in forged.items():
        try:
            expect_error(_validate_call(probe, _grant_metadata(probe, grant)), UNAUTHENTICATED)
        except CheckFailed as failure:
            raise CheckFailed(f"{label} grant: {failure}") from None
    return ", ".join(forged) + " refused"


@SUITE.check("grant refused on Lifecycle", "Lifecycle/GetPluginInfo", component=False)
def grant_not_for_lifecycle(probe: Probe) -> None:
    if probe.target.through_host:
        raise Skip("the host keeps this component behind itself (no grant)")
    if probe.target.token:
        grant = grants.mint(probe.target.token, probe.component, time.time() + 300)
        metadata = _grant_metadata(probe, grant)
    else:
        metadata = probe.target.component_metadata
    expect_error(
        lambda: probe.lifecycle.GetPluginInfo(
            lifecycle_pb2.GetPluginInfoRequest(), metadata=metadata, timeout=CALL_TIMEOUT_SECONDS
        ),
        UNAUTHENTICATED,
    )


@SUITE.check("shutdown", "Lifecycle/Shutdown", token=True, owns_process=True, last=True)
def shutdown(probe: Probe) -> str:
    process = probe.target.process
    shake = probe.target.handshake
    assert process is not None and shake is not None
    probe.call(probe.lifecycle.Shutdown, lifecycle_pb2.ShutdownRequest(), probe.token_metadata())
    started = time.monotonic()
    try:
        code = process.wait(timeout=EXIT_SECONDS)
    except Exception:
        raise CheckFailed(f"the process still runs {EXIT_SECONDS:g}s after Shutdown") from None
    if os.path.exists(shake.address):
        raise CheckFailed(f"the socket {shake.address} is still there after exit")
    return f"exited with code {code} after {time.monotonic() - started:.1f}s"
