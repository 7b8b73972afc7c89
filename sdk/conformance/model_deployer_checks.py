"""Checks of flavorhost.v1.ModelDeployer (model_deployer.proto).

What a model must hold is the flavor's to document; the kit deploys one model, a `json` linear
model `{"coef": [...], "intercept": b}` (what the `local` flavor serves). A flavor that refuses
it with INVALID_ARGUMENT makes the checks that need a running service SKIP; the checks of bad
requests and unknown uuids still run. Every service the kit deploys carries its own
pipeline_name and is deleted at the end; a deployed server's prediction URL is posted
`{"instances": [...]}`, as the SDK's predict() does, and must answer `{"predictions": [...]}`.
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite, describe
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import json_object, on_threads, scratch_name
from flavorhost.errors import error_info
from flavorhost.generated.v1 import model_deployer_pb2 as pb
from flavorhost.generated.v1 import model_deployer_pb2_grpc

SERVICE = "flavorhost.v1.ModelDeployer"
SUITE = Suite("model_deployer", service=SERVICE)
S = grpc.StatusCode
NOT_FOUND, INVALID = "ENTITY_NOT_FOUND", "INVALID_ARGUMENT"
MODEL = pb.Model(format="json", content=json.dumps({"coef": [2.0, 1.0], "intercept": 0.5}).encode())
# Seconds a deployed or started server has to serve (every call's deadline is longer).
SERVE_SECONDS = 45.0
STOP_SECONDS = 10.0
PREDICT_SECONDS = 20.0


class Deployer(Service):
    """Calls of the deployer under test, and the services the kit deployed."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, model_deployer_pb2_grpc.ModelDeployerStub)
        self.pipeline = scratch_name("pipeline")
        self.refused = ""  # why the kit's model cannot be deployed, once found out
        self.first: pb.ModelService | None = None

    def config(self, step: str, **fields: str) -> str:
        return json.dumps(
            {
                "name": f"{self.pipeline}-{step}",
                "pipeline_name": self.pipeline,
                "pipeline_step_name": step,
                "run_name": f"{self.pipeline}-run",
                "model_name": "conformance-model",
                "model_version": "1",
                **fields,
            }
        )

    def deploy(self, step: str, replace: bool = False) -> pb.ModelService:
        """Deploys the kit's model; SKIP (for this and later checks) if the flavor refuses it."""
        if self.refused:
            raise Skip(self.refused)
        request = pb.DeployModelRequest(
            config_json=self.config(step),
            model=MODEL,
            replace=replace,
            timeout_seconds=SERVE_SECONDS,
        )
        try:
            answer = self.raw("DeployModel", request)
        except grpc.RpcError as error:
            info = error_info(error)
            code = error.code() if isinstance(error, grpc.Call) else None
            if code == S.INVALID_ARGUMENT and info is not None and info.reason == INVALID:
                self.refused = (
                    f"the flavor does not serve the kit's model (a json linear model): "
                    f"{describe(error)}"
                )
                raise Skip(self.refused) from error
            raise CheckFailed(f"DeployModel failed: {describe(error)}") from error
        service: pb.ModelService = answer.service
        return service

    def deployed(self) -> pb.ModelService:
        """The service of the kit's first deployment (deployed on first use)."""
        if self.first is None:
            self.first = self.deploy("first")
        return self.first

    def find(self, **criteria: Any) -> list[pb.ModelService]:
        request = pb.FindModelServerRequest(**criteria)
        return list(self("FindModelServer", request).services)

    def one(self, service_uuid: str) -> pb.ModelService:
        found = self.find(service_uuid=service_uuid)
        if [s.uuid for s in found] != [service_uuid]:
            raise CheckFailed(f"FindModelServer(service_uuid) found {[s.uuid for s in found]}")
        return found[0]


def _deployer(probe: Probe) -> Deployer:
    deployer: Deployer = probe.state["model_deployer"]
    return deployer


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape: a fresh folder for the services."""
    return {"path": os.path.join(probe.temp, "model_deployer")}


def setup(probe: Probe) -> None:
    probe.state["model_deployer"] = Deployer(probe)


def teardown(probe: Probe) -> None:
    deployer = probe.state.pop("model_deployer", None)
    if deployer is not None:
        for service in deployer.find(pipeline_name=deployer.pipeline):
            request = pb.DeleteModelServerRequest(
                uuid=service.uuid, timeout_seconds=STOP_SECONDS, force=True
            )
            deployer("DeleteModelServer", request)


SUITE.setup = setup
SUITE.teardown = teardown
SUITE.default_config = default_config


def _serving(service: pb.ModelService, what: str) -> None:
    """The service is active and its prediction URL answers a prediction."""
    if service.state != "active":
        raise CheckFailed(f"{what}: state {service.state!r}, want 'active' ({service.last_error})")
    if not service.prediction_url:
        raise CheckFailed(f"{what}: an active service has no prediction_url")
    body = json.dumps({"instances": [[1.0, 2.0]]}).encode()
    request = urllib.request.Request(
        service.prediction_url,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=PREDICT_SECONDS) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError) as error:
        raise CheckFailed(f"{what}: posting to {service.prediction_url} failed: {error}") from None
    predictions = answer.get("predictions") if isinstance(answer, dict) else None
    if not isinstance(predictions, list) or len(predictions) != 1:
        raise CheckFailed(f"{what}: one instance posted, answered {str(answer)[:100]}")


@SUITE.check("deploy a model", "DeployModel")
def deploy(probe: Probe) -> str:
    deployer = _deployer(probe)
    service = deployer.deployed()
    try:
        uuid.UUID(service.uuid)
    except ValueError:
        raise CheckFailed(f"the service's uuid {service.uuid!r} is not a UUID") from None
    config = json_object(service.config_json, "the service's config_json")
    wanted = json.loads(deployer.config("first"))
    if any(config.get(k) != v for k, v in wanted.items()):
        raise CheckFailed(f"the service's config_json {service.config_json} lacks {wanted}")
    _serving(service, "the deployed service")
    return service.prediction_url


@SUITE.check("find model servers", "FindModelServer")
def find(probe: Probe) -> str:
    deployer = _deployer(probe)
    first = deployer.deployed()
    second = deployer.deploy("second")
    deployer.one(first.uuid)
    _same_uuids(deployer.find(pipeline_name=deployer.pipeline), [second, first], "by pipeline")
    _same_uuids(
        deployer.find(pipeline_name=deployer.pipeline, pipeline_step_name="second"),
        [second],
        "by pipeline and step",
    )
    _same_uuids(
        deployer.find(
            pipeline_name=deployer.pipeline,
            run_name=f"{deployer.pipeline}-run",
            model_name="conformance-model",
            model_version="1",
            running=True,
        ),
        [second, first],
        "by run, model, version, running",
    )
    _same_uuids(deployer.find(pipeline_name=scratch_name("none")), [], "by an unknown pipeline")
    ours = {first.uuid, second.uuid}
    if not ours <= {s.uuid for s in deployer.find()}:
        raise CheckFailed("FindModelServer without criteria does not list the kit's services")
    deployer(
        "DeleteModelServer",
        pb.DeleteModelServerRequest(uuid=second.uuid, timeout_seconds=STOP_SECONDS),
    )
    return "newest first; uuid, pipeline, step, run, model, version, running"


def _same_uuids(found: list[pb.ModelService], want: list[pb.ModelService], what: str) -> None:
    got, expected = [s.uuid for s in found], [s.uuid for s in want]
    if got != expected:
        raise CheckFailed(f"FindModelServer {what} found {got}, want {expected} (newest first)")


@SUITE.check("stop and start", ("StopModelServer", "StartModelServer"))
def stop_and_start(probe: Probe) -> None:
    deployer = _deployer(probe)
    service = deployer.deployed()
    deployer(
        "StopModelServer",
        pb.StopModelServerRequest(uuid=service.uuid, timeout_seconds=STOP_SECONDS),
    )
    stopped = deployer.one(service.uuid)
    if stopped.state != "inactive":
        raise CheckFailed(f"after StopModelServer the state is {stopped.state!r}, want inactive")
    if service.uuid in {s.uuid for s in deployer.find(running=True)}:
        raise CheckFailed("FindModelServer(running) lists a stopped service")
    deployer(
        "StartModelServer",
        pb.StartModelServerRequest(uuid=service.uuid, timeout_seconds=SERVE_SECONDS),
    )
    _serving(deployer.one(service.uuid), "after StartModelServer")


@SUITE.check("model server info", "GetModelServerInfo")
def info(probe: Probe) -> str:
    deployer = _deployer(probe)
    service = deployer.deployed()
    found = deployer("GetModelServerInfo", pb.GetModelServerInfoRequest(uuid=service.uuid)).info
    lower = [key for key in found if key != key.upper()]
    if lower:
        raise CheckFailed(f"GetModelServerInfo has keys that are not upper-case: {lower}")
    return ", ".join(sorted(found))


@SUITE.check(
    "unknown or malformed uuid",
    ("StopModelServer", "StartModelServer", "DeleteModelServer", "GetModelServerInfo"),
)
def unknown_uuid(probe: Probe) -> str:
    deployer = _deployer(probe)
    for value, code, reason in (
        (str(uuid.uuid4()), S.NOT_FOUND, NOT_FOUND),
        ("not-a-uuid", S.INVALID_ARGUMENT, INVALID),
    ):
        for method, request in (
            ("StopModelServer", pb.StopModelServerRequest(uuid=value)),
            ("StartModelServer", pb.StartModelServerRequest(uuid=value)),
            ("DeleteModelServer", pb.DeleteModelServerRequest(uuid=value)),
            ("GetModelServerInfo", pb.GetModelServerInfoRequest(uuid=value)),
        ):
            deployer.expect(method, request, code, reason)
    return "ENTITY_NOT_FOUND for an unknown uuid, INVALID_ARGUMENT for a malformed one"


@SUITE.check("bad deploy requests", "DeployModel")
def bad_deploy(probe: Probe) -> str:
    deployer = _deployer(probe)
    config = deployer.config("refused")
    cases = [
        (
            pb.DeployModelRequest(
                config_json=json.dumps({"conformance_no_such_field": 1}), model=MODEL
            ),
            "with an unknown config field",
        ),
        (pb.DeployModelRequest(config_json="[1]", model=MODEL), "with a config not an object"),
        (
            pb.DeployModelRequest(
                config_json=config,
                model=pb.Model(format="conformance-no-such-format", content=b"x"),
            ),
            "with a model format no flavor has",
        ),
        (pb.DeployModelRequest(config_json=config), "without a model"),
    ]
    for request, why in cases:
        deployer.expect("DeployModel", request, S.INVALID_ARGUMENT, INVALID, why)
    if deployer.find(pipeline_name=deployer.pipeline, pipeline_step_name="refused"):
        raise CheckFailed("a refused DeployModel left a service")
    return f"{len(cases)} refused with INVALID_ARGUMENT"


@SUITE.check("deploy with replace", "DeployModel")
def replace(probe: Probe) -> None:
    deployer = _deployer(probe)
    old = deployer.deploy("replaced")
    new = deployer.deploy("replaced", replace=True)
    if new.uuid != old.uuid:
        raise CheckFailed(f"replace gave a new uuid {new.uuid}, want the replaced {old.uuid}")
    found = deployer.find(pipeline_name=deployer.pipeline, pipeline_step_name="replaced")
    _same_uuids(found, [new], "after a replace")
    _serving(found[0], "the replacing service")


@SUITE.check("delete", "DeleteModelServer")
def delete(probe: Probe) -> None:
    deployer = _deployer(probe)
    service = deployer.deploy("deleted")
    deployer(
        "DeleteModelServer",
        pb.DeleteModelServerRequest(uuid=service.uuid, timeout_seconds=STOP_SECONDS),
    )
    if deployer.find(service_uuid=service.uuid):
        raise CheckFailed("a deleted service is still listed")
    deployer.expect(
        "GetModelServerInfo",
        pb.GetModelServerInfoRequest(uuid=service.uuid),
        S.NOT_FOUND,
        NOT_FOUND,
        "of a deleted service",
    )


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    deployer = _deployer(probe)
    service = deployer.deployed()
    requests = {
        "FindModelServer": pb.FindModelServerRequest(pipeline_name=deployer.pipeline),
        "GetModelServerInfo": pb.GetModelServerInfoRequest(uuid=service.uuid),
    }
    return deployer.idempotent(
        requests, lambda: [str(s) for s in deployer.find(pipeline_name=deployer.pipeline)]
    )


@SUITE.check("concurrent deploys", ("DeployModel", "FindModelServer"))
def concurrent(probe: Probe) -> str:
    deployer = _deployer(probe)
    deployer.deployed()
    count = min(probe.concurrency, 4)  # each is a model server: a few show races
    made: list[str] = []

    def one(index: int) -> str:
        made.append(deployer.deploy(f"concurrent-{index}").uuid)
        return ""

    note = on_threads(probe, count, one)
    found = {
        s.uuid
        for i in range(count)
        for s in deployer.find(
            pipeline_name=deployer.pipeline, pipeline_step_name=f"concurrent-{i}"
        )
    }
    if len(set(made)) != count or found != set(made):
        raise CheckFailed(f"{count} concurrent deploys made {len(set(made))}, {len(found)} found")
    return note
