"""Checks of flavorhost.v1.ContainerRegistry (container_registry.proto).

Image names are built on the config's `uri` (every flavor's config has it). Pushing needs an
image where the flavor pushes from, which the kit can only arrange for a config it chose itself
(no --config): the `local` flavor's shape, with an OCI image layout the kit builds in a temp
folder as the image store and another temp folder as the registry. Then the kit pushes, reads
the image back out of the registry's layout ("pull") and pushes concurrently; with any other
config it checks names, authentication and the refusals (a foreign image, an image that does
not exist), which push nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import uuid
from pathlib import Path
from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import Probe, expect_error
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import on_threads
from flavorhost.errors import error_info
from flavorhost.generated.v1 import container_registry_pb2 as pb
from flavorhost.generated.v1 import container_registry_pb2_grpc

SERVICE = "flavorhost.v1.ContainerRegistry"
SUITE = Suite("container_registry", service=SERVICE)
INVALID = grpc.StatusCode.INVALID_ARGUMENT
REF_NAME = "org.opencontainers.image.ref.name"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
REPOSITORY = "conformance/app"
TAGS = ("v1", "v2", "v3", "v4")


def _blob(layout: Path, data: bytes, media_type: str) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    (blobs / digest).write_bytes(data)
    return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(data)}


def build_image(layout: Path, names: list[str]) -> dict[str, Any]:
    """A one-layer OCI image in a layout at `layout`, indexed under each of `names`; its
    manifest's descriptor."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        content = b"flavorhost conformance\n"
        entry = tarfile.TarInfo("conformance.txt")
        entry.size = len(content)
        tar.addfile(entry, io.BytesIO(content))
    layer_data = buffer.getvalue()
    layer = _blob(layout, layer_data, "application/vnd.oci.image.layer.v1.tar")
    config = _blob(
        layout,
        json.dumps(
            {
                "architecture": "amd64",
                "os": "linux",
                "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]},
            }
        ).encode(),
        "application/vnd.oci.image.config.v1+json",
    )
    manifest = _blob(
        layout,
        json.dumps(
            {"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": config, "layers": [layer]}
        ).encode(),
        MANIFEST_TYPE,
    )
    index = {
        "schemaVersion": 2,
        "manifests": [{**manifest, "annotations": {REF_NAME: name}} for name in names],
    }
    (layout / "index.json").write_text(json.dumps(index))
    (layout / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))
    return {**manifest, "blobs": [config["digest"], layer["digest"], manifest["digest"]]}


class Registry(Service):
    """Calls to the registry under test, and the kit's image when the config is the kit's."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, container_registry_pb2_grpc.ContainerRegistryStub)
        uri = str((probe.config or {}).get("uri", "")).rstrip("/")
        if not uri:
            raise ValueError("the config has no `uri`: image names are built on it")
        self.uri = uri
        self.image: dict[str, Any] | None = None
        self.registry_path: Path | None = None

    def name(self, tag: str = "v1", repository: str = REPOSITORY) -> str:
        return f"{self.uri}/{repository}:{tag}"

    def valid(self, image_name: str) -> bool:
        request = pb.IsValidImageNameForRegistryRequest(image_name=image_name)
        return bool(self("IsValidImageNameForRegistry", request).valid)

    def push(self, image_name: str) -> str:
        request = pb.PushImageRequest(image_name=image_name)
        return str(self("PushImage", request).repo_digest)

    def own(self) -> tuple[dict[str, Any], Path]:
        if self.image is None or self.registry_path is None:
            raise Skip("the config is not the kit's: it cannot place an image to push")
        return self.image, self.registry_path


def _registry(probe: Probe) -> Registry:
    registry: Registry = probe.state["container_registry"]
    return registry


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape: a registry folder and an image store the kit fills."""
    return {
        "uri": "localhost:5000",
        "path": os.path.join(probe.temp, "registry"),
        "images_path": os.path.join(probe.temp, "images"),
    }


def setup(probe: Probe) -> None:
    registry = Registry(probe)
    probe.state["container_registry"] = registry
    if probe.config_is_default:
        # The image store and the registry lie in the run's temp folder, removed by the runner.
        config = probe.config or {}
        images = Path(str(config["images_path"]))
        registry.image = build_image(images, [registry.name(tag) for tag in TAGS])
        registry.registry_path = Path(str(config["path"]))


SUITE.setup = setup
SUITE.default_config = default_config


@SUITE.check("authentication info", "GetAuthentication")
def authentication(probe: Probe) -> str:
    registry = _registry(probe)
    reply = registry("GetAuthentication", pb.GetAuthenticationRequest())
    if not reply.has_credentials and (reply.username or reply.password):
        raise CheckFailed("has_credentials is false, yet username or password is set")
    config = probe.config or {}
    if registry.image is None or not probe.target.token:
        return f"requires_authentication={reply.requires_authentication}, shape as specified"
    if reply.has_credentials or reply.requires_authentication:
        raise CheckFailed("a config without username and password reports credentials")
    # A second component of the kit's, with credentials.
    other = f"{probe.component}-login"
    secret = uuid.uuid4().hex
    probe.configure(other, {**config, "username": "conformance", "password": secret})
    try:
        login = probe.call(
            registry.stub.GetAuthentication,
            pb.GetAuthenticationRequest(),
            probe.metadata(other),
        )
    finally:
        probe.release(other)
    got = (login.has_credentials, login.username, login.password)
    if got != (True, "conformance", secret):
        raise CheckFailed(
            f"with username and password configured: has_credentials, user = {got[:2]}"
        )
    return "no credentials without a login; the configured ones with it"


@SUITE.check("image names for the registry", "IsValidImageNameForRegistry")
def image_names(probe: Probe) -> str:
    registry = _registry(probe)
    uri = registry.uri
    host = uri.split("/", 1)[0]
    expected = {
        f"{uri}/app": True,
        f"{uri}/team/trainer:v1": True,
        registry.name(): True,
        "elsewhere.example.com/app:v1": False,
        f"{uri}0/app:v1": False,  # a longer name that starts with the URI is not under it
        f"other-{host}/app": False,
        uri: False,
    }
    wrong = {name: not want for name, want in expected.items() if registry.valid(name) != want}
    if wrong:
        raise CheckFailed(f"answered {wrong} (registry uri {uri!r})")
    return f"{len(expected)} names judged right for uri {uri!r}"


FOREIGN = "elsewhere.example.com/conformance/app:v1"


def _refuses_bad_names(registry: Registry, method: str, request_class: Any) -> None:
    """`method` refuses an image of another registry (naming the image and the uri) and an
    empty image name with INVALID_ARGUMENT."""
    error = registry.expect(
        method,
        request_class(image_name=FOREIGN),
        INVALID,
        "INVALID_ARGUMENT",
        "of a foreign image",
    )
    details = (error.details() if isinstance(error, grpc.Call) else "") or ""
    if FOREIGN not in details or registry.uri not in details:
        raise CheckFailed(
            f"{method} of a foreign image: the error names neither the image nor the uri: "
            f"{details!r}"
        )
    registry.expect(
        method, request_class(image_name=""), INVALID, "INVALID_ARGUMENT", "without an image name"
    )


@SUITE.check("prepare image push", "PrepareImagePush")
def prepare_push(probe: Probe) -> str:
    registry = _registry(probe)
    registry("PrepareImagePush", pb.PrepareImagePushRequest(image_name=registry.name()))
    _refuses_bad_names(registry, "PrepareImagePush", pb.PrepareImagePushRequest)
    return "prepared; a foreign and an empty name refused with INVALID_ARGUMENT"


@SUITE.check("push an image, pull it back", "PushImage")
def push_and_pull(probe: Probe) -> str:
    registry = _registry(probe)
    image, registry_path = registry.own()
    want = f"{registry.uri}/{REPOSITORY}@{image['digest']}"
    digest = registry.push(registry.name("v1"))
    if digest != want:
        raise CheckFailed(f"repo_digest is {digest!r}, want {want!r}")
    again = registry.push(registry.name("v1"))
    if again != digest:
        raise CheckFailed(f"pushing the same image again answered {again!r}, first {digest!r}")
    problem = _pull(registry_path / REPOSITORY, "v1", image)
    if problem:
        raise CheckFailed(f"reading the pushed image back: {problem}")
    return f"{digest.rsplit('@', 1)[1][:19]}..., the same when pushed again, every blob intact"


def _pull(layout: Path, tag: str, image: dict[str, Any]) -> str:
    """What is wrong with `tag` in the registry's OCI layout, or ''."""
    try:
        index = json.loads((layout / "index.json").read_text())
    except (OSError, ValueError) as error:
        return f"no readable index.json in {layout}: {error}"
    tagged = [
        d for d in index.get("manifests", []) if d.get("annotations", {}).get(REF_NAME) == tag
    ]
    if [d.get("digest") for d in tagged] != [image["digest"]]:
        return f"tag {tag} names {[d.get('digest') for d in tagged]}, want [{image['digest']}]"
    for digest in image["blobs"]:
        path = layout / "blobs" / "sha256" / digest.split(":", 1)[1]
        if not path.exists() or f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}" != digest:
            return f"blob {digest} is missing or damaged"
    return ""


@SUITE.check("push refusals", "PushImage")
def push_refusals(probe: Probe) -> str:
    registry = _registry(probe)
    _refuses_bad_names(registry, "PushImage", pb.PushImageRequest)
    missing = registry.name(f"missing-{uuid.uuid4().hex[:8]}", "conformance/never-built")
    request = pb.PushImageRequest(image_name=missing)

    def call() -> Any:
        return registry.raw("PushImage", request)

    try:
        expect_error(call, grpc.StatusCode.NOT_FOUND, "FILE_NOT_FOUND")
    except CheckFailed:
        try:
            call()
        except grpc.RpcError as error:
            info = error_info(error)
            if info is not None and info.reason == "NOT_IMPLEMENTED":
                return "foreign and empty names refused; the flavor cannot push (NOT_IMPLEMENTED)"
        raise
    return "foreign and empty names INVALID_ARGUMENT, an image that does not exist FILE_NOT_FOUND"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    registry = _registry(probe)
    requests: dict[str, Any] = {
        "GetAuthentication": pb.GetAuthenticationRequest(),
        "IsValidImageNameForRegistry": pb.IsValidImageNameForRegistryRequest(
            image_name=registry.name()
        ),
    }
    return registry.idempotent(requests)


@SUITE.check("concurrent pushes", "PushImage")
def concurrent_pushes(probe: Probe) -> str:
    registry = _registry(probe)
    image, registry_path = registry.own()
    want = f"{registry.uri}/{REPOSITORY}@{image['digest']}"

    def one(index: int) -> str:
        digest = registry.push(registry.name(TAGS[index]))
        return "" if digest == want else f"{TAGS[index]} answered {digest!r}"

    on_threads(probe, len(TAGS), one)
    lost = [tag for tag in TAGS if _pull(registry_path / REPOSITORY, tag, image)]
    if lost:
        raise CheckFailed(f"after {len(TAGS)} pushes at once, tags {lost} cannot be read back")
    return f"{len(TAGS)} tags pushed at once, each readable"
