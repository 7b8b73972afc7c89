"""Checks of flavorhost.v1.StackComponent, the hooks every component serves (component.proto,
served by sdk/sidecar/component_servicer.py in the Python runtime)."""

from __future__ import annotations

from functools import partial

import grpc

from flavorhost.conformance.checks import CheckFailed, Suite
from flavorhost.conformance.probe import (
    CALL_TIMEOUT_SECONDS,
    COMPONENT_SERVICE,
    Probe,
    expect_error,
)
from flavorhost.conformance.support import json_object, scratch_name
from flavorhost.generated.v1 import component_pb2 as pb
from flavorhost.generated.v1 import component_pb2_grpc

SUITE = Suite("component", service=COMPONENT_SERVICE)
INVALID = grpc.StatusCode.INVALID_ARGUMENT


def _stub(probe: Probe) -> component_pb2_grpc.StackComponentStub:
    return component_pb2_grpc.StackComponentStub(probe.target.channel)


def _info() -> pb.StepRunInfo:
    """A step run whose every name says the kit made it (a tracker may keep files for it)."""
    run = scratch_name("run")
    return pb.StepRunInfo(
        run_id=run, run_name=run, pipeline="conformance", step="hooks", settings_json="{}"
    )


@SUITE.check("validate settings", "StackComponent/ValidateSettings")
def validate_settings(probe: Probe) -> None:
    stub = _stub(probe)
    probe.call(stub.ValidateSettings, pb.ValidateSettingsRequest(settings_json="{}"))
    probe.call(stub.ValidateSettings, pb.ValidateSettingsRequest(settings_json=""))


@SUITE.check(
    "settings not a JSON object", "StackComponent/ValidateSettings", service=COMPONENT_SERVICE
)
def settings_not_an_object(probe: Probe) -> str:
    stub = _stub(probe)
    for text in ("not json", "[1]"):
        request = pb.ValidateSettingsRequest(settings_json=text)
        try:
            expect_error(
                partial(
                    stub.ValidateSettings,
                    request,
                    metadata=probe.metadata(),
                    timeout=CALL_TIMEOUT_SECONDS,
                ),
                INVALID,
            )
        except CheckFailed as failure:
            raise CheckFailed(f"settings_json {text!r}: {failure}") from None
    return "2 refused"


@SUITE.check(
    "step run hooks",
    ("PrepareStepRun", "GetStepRunMetadata", "CleanupStepRun"),
)
def step_run_hooks(probe: Probe) -> None:
    stub = _stub(probe)
    info = _info()
    probe.call(stub.PrepareStepRun, pb.StepRunRequest(info=info))
    reply = probe.call(stub.GetStepRunMetadata, pb.StepRunRequest(info=info))
    json_object(reply.metadata_json, "GetStepRunMetadata's metadata_json")
    probe.call(stub.CleanupStepRun, pb.CleanupStepRunRequest(info=info, step_failed=False))


@SUITE.check(
    "pipeline run metadata", "StackComponent/GetPipelineRunMetadata", service=COMPONENT_SERVICE
)
def pipeline_run_metadata(probe: Probe) -> None:
    reply = probe.call(
        _stub(probe).GetPipelineRunMetadata,
        pb.PipelineRunMetadataRequest(run_id=scratch_name("run")),
    )
    json_object(reply.metadata_json, "metadata_json")


@SUITE.check("malformed request", "StackComponent/ValidateSettings")
def malformed_request(probe: Probe) -> str:
    # Field 1 as a varint where a string is declared: bytes that do not decode.
    method = probe.raw(f"/{COMPONENT_SERVICE}/ValidateSettings")
    expect_error(
        lambda: method(b"\x0a\xff\xff", metadata=probe.metadata(), timeout=CALL_TIMEOUT_SECONDS),
        INVALID,
    )
    return "INVALID_ARGUMENT, as the protocol asks (MALFORMED_REQUEST in the Python runtime)"
