"""Checks of flavorhost.v1.ModelRegistry (model_registry.proto).

Every model the kit registers is named `conformance-XXXXXXXX-...` and deleted at the end (with
--component the registry may be a user's real one). Versions point at a source URI in the kit's
scratch folder; no check loads a model. Times are compared only with each other, never with the
kit's clock, and ties are allowed (a registry may count in milliseconds).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import on_threads, scratch_name
from flavorhost.generated.v1 import model_registry_pb2 as pb
from flavorhost.generated.v1 import model_registry_pb2_grpc

SERVICE = "flavorhost.v1.ModelRegistry"
SUITE = Suite("model_registry", service=SERVICE)
S = grpc.StatusCode
NOT_FOUND, EXISTS, INVALID = "ENTITY_NOT_FOUND", "ENTITY_EXISTS", "INVALID_ARGUMENT"
Stage = pb.ModelVersionStage


class Registry(Service):
    """Calls of the registry under test, and the names the kit registered."""

    def __init__(self, probe: Probe, scratch: str) -> None:
        super().__init__(probe, model_registry_pb2_grpc.ModelRegistryStub)
        self.scratch = scratch
        self.prefix = f"{scratch_name()}-"

    def name(self, what: str) -> str:
        """A model name of the kit's."""
        return f"{self.prefix}{what}"

    def uri(self, what: str) -> str:
        """A model source URI in the kit's scratch folder (nothing reads it)."""
        return os.path.join(self.scratch, what)

    def version(self, name: str, **fields: Any) -> pb.ModelVersion:
        fields.setdefault("model_source_uri", self.uri(f"{name}-{uuid.uuid4().hex[:6]}"))
        answer: pb.ModelVersion = self("RegisterModelVersion", _version_request(name, fields))
        return answer

    def versions(self, **filters: Any) -> list[pb.ModelVersion]:
        request = pb.ListModelVersionsRequest(**filters)
        return list(self("ListModelVersions", request).versions)

    def mine(self) -> list[str]:
        models = self("ListModels", pb.ListModelsRequest()).models
        return sorted(m.name for m in models if m.name.startswith(self.prefix))


def _version_request(name: str, fields: dict[str, Any]) -> pb.RegisterModelVersionRequest:
    return pb.RegisterModelVersionRequest(name=name, **fields)


def _registry(probe: Probe) -> Registry:
    registry: Registry = probe.state["model_registry"]
    return registry


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape: a fresh folder."""
    return {"path": os.path.join(probe.temp, "model_registry")}


def setup(probe: Probe) -> None:
    # Only named: versions point here, nothing is written or read.
    scratch = os.path.join(tempfile.gettempdir(), scratch_name("models"))
    probe.state["model_registry"] = Registry(probe, scratch)


def teardown(probe: Probe) -> None:
    registry = probe.state.pop("model_registry", None)
    if registry is not None:
        for name in registry.mine():
            registry("DeleteModel", pb.DeleteModelRequest(name=name))


SUITE.setup = setup
SUITE.teardown = teardown
SUITE.default_config = default_config


def _same(got: Any, want: Any, what: str) -> None:
    if got != want:
        raise CheckFailed(f"{what} is {got!r}, want {want!r}")


@SUITE.check("register, get and list models", ("RegisterModel", "GetModel", "ListModels"))
def models(probe: Probe) -> None:
    registry = _registry(probe)
    name = registry.name("model")
    marker = {"conformance": registry.prefix}
    request = pb.RegisterModelRequest(
        name=name, description="kit model", metadata={**marker, "k": "v"}
    )
    created = registry("RegisterModel", request)
    want = pb.RegisteredModel(name=name, description="kit model", metadata={**marker, "k": "v"})
    _same(created, want, "RegisterModel's answer")
    _same(registry("GetModel", pb.GetModelRequest(name=name)), want, "GetModel's answer")
    _same(
        list(registry("ListModels", pb.ListModelsRequest(name=name)).models),
        [want],
        "ListModels(name)",
    )
    _same(
        [m.name for m in registry("ListModels", pb.ListModelsRequest(metadata=marker)).models],
        [name],
        "ListModels(metadata) names",
    )
    if name not in registry.mine():
        raise CheckFailed("ListModels without filters does not list the new model")
    bare = registry.name("bare")
    answer = registry("RegisterModel", pb.RegisterModelRequest(name=bare))
    if answer.HasField("description") or answer.metadata:
        raise CheckFailed(f"a model registered without description and metadata has {answer}")


@SUITE.check("model errors", ("RegisterModel", "GetModel", "UpdateModel", "DeleteModel"))
def model_errors(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("twice")
    registry("RegisterModel", pb.RegisterModelRequest(name=name))
    registry.expect("RegisterModel", pb.RegisterModelRequest(name=name), S.ALREADY_EXISTS, EXISTS)
    missing = registry.name("missing")
    registry.expect("GetModel", pb.GetModelRequest(name=missing), S.NOT_FOUND, NOT_FOUND)
    registry.expect("DeleteModel", pb.DeleteModelRequest(name=missing), S.NOT_FOUND, NOT_FOUND)
    registry.expect(
        "UpdateModel",
        pb.UpdateModelRequest(name=missing, description="x"),
        S.NOT_FOUND,
        NOT_FOUND,
    )
    registry.expect("RegisterModel", pb.RegisterModelRequest(name=""), S.INVALID_ARGUMENT, INVALID)
    return "ENTITY_EXISTS, ENTITY_NOT_FOUND, INVALID_ARGUMENT as specified"


@SUITE.check("update a model", "UpdateModel")
def update_model(probe: Probe) -> None:
    registry = _registry(probe)
    name = registry.name("updated")
    registry(
        "RegisterModel",
        pb.RegisterModelRequest(name=name, description="old", metadata={"a": "1", "b": "2"}),
    )
    answer = registry(
        "UpdateModel",
        pb.UpdateModelRequest(
            name=name, description="new", metadata={"b": "3", "c": "4"}, remove_metadata=["a"]
        ),
    )
    want = pb.RegisteredModel(name=name, description="new", metadata={"b": "3", "c": "4"})
    _same(answer, want, "UpdateModel's answer")
    _same(registry("GetModel", pb.GetModelRequest(name=name)), want, "GetModel after UpdateModel")
    # Unset description: unchanged; removing a key it lacks is no error; an added key that is
    # also removed ends removed (remove_metadata applies after metadata).
    answer = registry(
        "UpdateModel",
        pb.UpdateModelRequest(name=name, metadata={"d": "5"}, remove_metadata=["d", "zz"]),
    )
    _same(answer, want, "UpdateModel without description, adding and removing a key")
    answer = registry("UpdateModel", pb.UpdateModelRequest(name=name, description=""))
    if not answer.HasField("description") or answer.description != "":
        raise CheckFailed("an empty description given to UpdateModel was not kept as set and ''")


@SUITE.check("register and get versions", ("RegisterModelVersion", "GetModelVersion"))
def register_versions(probe: Probe) -> None:
    registry = _registry(probe)
    name = registry.name("versioned")  # not registered: RegisterModelVersion registers it
    uri = registry.uri("model-a")
    created = registry.version(
        name,
        version="a",
        model_source_uri=uri,
        description="first",
        metadata={"pipeline_name": "p", "custom": "x"},
        model_format="json",
        model_library="kit",
    )
    _same(created.registered_model.name, name, "the version's registered_model.name")
    _same(
        (created.version, created.model_source_uri, created.model_format, created.model_library),
        ("a", uri, "json", "kit"),
        "(version, model_source_uri, model_format, model_library)",
    )
    _same(created.description, "first", "the version's description")
    _same(dict(created.metadata), {"pipeline_name": "p", "custom": "x"}, "the version's metadata")
    _same(Stage.Name(created.stage), "MODEL_VERSION_STAGE_NONE", "a new version's stage")
    if created.created_at and created.last_updated_at < created.created_at:
        raise CheckFailed("last_updated_at is before created_at")
    got = registry("GetModelVersion", pb.GetModelVersionRequest(name=name, version="a"))
    _same(got, created, "GetModelVersion's answer")
    registry("GetModel", pb.GetModelRequest(name=name))  # registered along the way
    bare = registry.version(name)
    if not bare.version or bare.version == "a":
        raise CheckFailed(f"a version registered without a name got {bare.version!r}")
    if bare.HasField("description") or bare.HasField("model_library") or bare.metadata:
        raise CheckFailed(f"a version registered with only its source has more: {bare}")
    third = registry.version(name)
    if third.version in ("a", bare.version):
        raise CheckFailed(f"the flavor named two versions {third.version!r}")


@SUITE.check(
    "version errors",
    (
        "RegisterModelVersion",
        "GetModelVersion",
        "UpdateModelVersion",
        "DeleteModelVersion",
        "ListModelVersions",
    ),
)
def version_errors(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("version-errors")
    registry.version(name, version="1")
    registry.expect(
        "RegisterModelVersion",
        _version_request(name, {"version": "1", "model_source_uri": registry.uri("again")}),
        S.ALREADY_EXISTS,
        EXISTS,
    )
    for model, version in ((name, "404"), (registry.name("no-model"), "1")):
        registry.expect(
            "GetModelVersion",
            pb.GetModelVersionRequest(name=model, version=version),
            S.NOT_FOUND,
            NOT_FOUND,
        )
        registry.expect(
            "UpdateModelVersion",
            pb.UpdateModelVersionRequest(name=model, version=version, description="x"),
            S.NOT_FOUND,
            NOT_FOUND,
        )
        registry.expect(
            "DeleteModelVersion",
            pb.DeleteModelVersionRequest(name=model, version=version),
            S.NOT_FOUND,
            NOT_FOUND,
        )
    registry.expect(
        "ListModelVersions", pb.ListModelVersionsRequest(count=0), S.INVALID_ARGUMENT, INVALID
    )
    registry.expect(
        "ListModelVersions",
        pb.ListModelVersionsRequest(order_by_date="sideways"),
        S.INVALID_ARGUMENT,
        INVALID,
    )
    return "ENTITY_EXISTS, ENTITY_NOT_FOUND, INVALID_ARGUMENT as specified"


@SUITE.check("update a version", "UpdateModelVersion")
def update_version(probe: Probe) -> None:
    registry = _registry(probe)
    name = registry.name("staged")
    created = registry.version(name, version="1", description="d", metadata={"a": "1", "b": "2"})
    answer = registry(
        "UpdateModelVersion",
        pb.UpdateModelVersionRequest(
            name=name,
            version="1",
            metadata={"b": "3"},
            remove_metadata=["a"],
            stage=Stage.MODEL_VERSION_STAGE_STAGING,
        ),
    )
    _same(Stage.Name(answer.stage), "MODEL_VERSION_STAGE_STAGING", "the stage after the update")
    _same(dict(answer.metadata), {"b": "3"}, "the metadata after the update")
    _same(answer.description, "d", "the description after an update without one")
    _same(
        (answer.model_source_uri, answer.created_at),
        (created.model_source_uri, created.created_at),
        "(model_source_uri, created_at) after the update",
    )
    if created.last_updated_at and answer.last_updated_at < created.last_updated_at:
        raise CheckFailed("last_updated_at went back in an update")
    answer = registry(
        "UpdateModelVersion",
        pb.UpdateModelVersionRequest(name=name, version="1", description="new"),
    )
    _same(Stage.Name(answer.stage), "MODEL_VERSION_STAGE_STAGING", "the stage after an update")
    _same(answer.description, "new", "the description after the update")
    got = registry("GetModelVersion", pb.GetModelVersionRequest(name=name, version="1"))
    _same(got, answer, "GetModelVersion after UpdateModelVersion")


@SUITE.check("list versions with filters", "ListModelVersions")
def list_versions(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("listed")
    made = [
        registry.version(name, version=str(i), metadata={"n": str(i)}, model_source_uri=uri)
        for i, uri in enumerate(registry.uri(f"listed-{i}") for i in range(3))
    ]
    registry(
        "UpdateModelVersion",
        pb.UpdateModelVersionRequest(
            name=name, version="1", stage=Stage.MODEL_VERSION_STAGE_PRODUCTION
        ),
    )

    def names(**filters: Any) -> list[str]:
        return [v.version for v in registry.versions(name=name, **filters)]

    _same(names(), ["0", "1", "2"], "ListModelVersions(name) in registration order")
    other = registry.name("listed-other")
    registry.version(other, version="0")
    if {v.registered_model.name for v in registry.versions(name=other)} != {other}:
        raise CheckFailed("ListModelVersions(name) listed another model's versions")
    _same(names(stage=Stage.MODEL_VERSION_STAGE_PRODUCTION), ["1"], "versions in PRODUCTION")
    _same(names(metadata={"n": "2"}), ["2"], "versions with metadata n=2")
    _same(names(model_source_uri=made[0].model_source_uri), ["0"], "versions with v0's URI")
    times = {v.version: v.created_at for v in made}
    for order, newest_first in (("asc", False), ("desc", True)):
        listed = registry.versions(name=name, order_by_date=order)
        got = [v.created_at for v in listed]
        if sorted(got, reverse=newest_first) != got or len(got) != 3:
            raise CheckFailed(f"order_by_date {order!r} gave creation times {got}")
    latest = registry.versions(name=name, order_by_date="desc", count=1)
    if len(latest) != 1 or latest[0].created_at != max(times.values()):
        raise CheckFailed(f"the latest version (desc, count 1) is {[v.version for v in latest]}")
    _same(len(registry.versions(name=name, count=2)), 2, "how many versions count=2 lists")
    if not all(times.values()):
        raise Skip("the flavor reports no creation times: created_after/before not checked")
    middle = sorted(times.values())[1]
    after = sorted(v for v, t in times.items() if t >= middle)
    before = sorted(v for v, t in times.items() if t <= middle)
    _same(sorted(names(created_after=middle)), after, "versions created at or after v1")
    _same(sorted(names(created_before=middle)), before, "versions created at or before v1")
    return "name, stage, metadata, source URI, order, count, created_after/before"


@SUITE.check("delete versions and models", ("DeleteModelVersion", "DeleteModel"))
def delete(probe: Probe) -> None:
    registry = _registry(probe)
    name = registry.name("deleted")
    registry.version(name, version="1")
    registry.version(name, version="2")
    registry("DeleteModelVersion", pb.DeleteModelVersionRequest(name=name, version="1"))
    registry.expect(
        "GetModelVersion",
        pb.GetModelVersionRequest(name=name, version="1"),
        S.NOT_FOUND,
        NOT_FOUND,
        "of a deleted version",
    )
    _same([v.version for v in registry.versions(name=name)], ["2"], "the versions left")
    registry("DeleteModel", pb.DeleteModelRequest(name=name))
    registry.expect(
        "GetModel", pb.GetModelRequest(name=name), S.NOT_FOUND, NOT_FOUND, "of a deleted model"
    )
    registry.expect(
        "GetModelVersion",
        pb.GetModelVersionRequest(name=name, version="2"),
        S.NOT_FOUND,
        NOT_FOUND,
        "of a deleted model's version",
    )
    if registry.versions(name=name):
        raise CheckFailed("a deleted model's versions are still listed")


@SUITE.check("model URI in the artifact store", "GetModelUriArtifactStore")
def model_uri(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("located")
    registry.version(name, version="1", model_format="json")
    found = registry("GetModelVersion", pb.GetModelVersionRequest(name=name, version="1"))
    uri = registry(
        "GetModelUriArtifactStore", pb.GetModelUriArtifactStoreRequest(model_version=found)
    ).uri
    if not isinstance(uri, str) or not uri:
        raise CheckFailed("GetModelUriArtifactStore answered an empty URI")
    registry.expect(
        "GetModelUriArtifactStore",
        pb.GetModelUriArtifactStoreRequest(),
        S.INVALID_ARGUMENT,
        INVALID,
        "without model_version",
    )
    return uri


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("idem")
    registry("RegisterModel", pb.RegisterModelRequest(name=name, metadata={"k": "v"}))
    registry.version(name, version="1")
    requests = {
        "GetModel": pb.GetModelRequest(name=name),
        "ListModels": pb.ListModelsRequest(),
        "GetModelVersion": pb.GetModelVersionRequest(name=name, version="1"),
        "ListModelVersions": pb.ListModelVersionsRequest(name=name),
    }

    def snapshot() -> Any:
        return [
            list(registry("ListModels", pb.ListModelsRequest()).models),
            [str(v) for v in registry.versions(name=name)],
        ]

    return registry.idempotent(requests, snapshot)


@SUITE.check("concurrent versions", "RegisterModelVersion")
def concurrent(probe: Probe) -> str:
    registry = _registry(probe)
    name = registry.name("concurrent")
    registry("RegisterModel", pb.RegisterModelRequest(name=name))
    count = min(probe.concurrency, 16)
    made: list[str] = []

    def one(index: int) -> str:
        made.append(registry.version(name).version)
        return ""

    note = on_threads(probe, count, one)
    if len(set(made)) != count:
        raise CheckFailed(f"{count} concurrent registrations got versions {sorted(made)}")
    listed = sorted(v.version for v in registry.versions(name=name))
    _same(listed, sorted(made), "the versions listed after concurrent registrations")
    return note
