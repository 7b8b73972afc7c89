"""The container registry type end to end: the `local` flavor's sidecar, the SDK proxy and the
CLI, pushing real OCI images between image layouts on disk."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.proxies.container_registry import ContainerRegistryProxy
from tests.conftest import Cli

REGISTRY = StackComponentType.CONTAINER_REGISTRY
URI = "localhost:5000"
REF_NAME = "org.opencontainers.image.ref.name"


def _sha256(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _put_blob(layout: Path, data: bytes) -> dict[str, Any]:
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    (blobs / hashlib.sha256(data).hexdigest()).write_bytes(data)
    return {"digest": _sha256(data), "size": len(data)}


def add_image(layout: Path, name: str, files: dict[str, bytes]) -> str:
    """Writes a one-layer image holding `files` into the OCI layout `layout`, named `name`;
    returns its manifest digest. (Test data made by hand, as an image builder would.)"""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as archive:
        for path, content in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    layer = gzip.compress(tar_bytes.getvalue(), mtime=0)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [_sha256(tar_bytes.getvalue())]},
        }
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                **_put_blob(layout, config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    **_put_blob(layout, layer),
                }
            ],
        }
    ).encode()
    descriptor = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        **_put_blob(layout, manifest),
        "annotations": {REF_NAME: name},
    }
    (layout / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))
    index_path = layout / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {"manifests": []}
    index["schemaVersion"] = 2
    index["manifests"] = [
        d for d in index["manifests"] if d.get("annotations", {}).get(REF_NAME) != name
    ] + [descriptor]
    index_path.write_text(json.dumps(index))
    return str(descriptor["digest"])


def read_pushed(repository: Path, tag: str) -> dict[str, bytes]:
    """The files of the image tagged `tag` in an OCI layout, every blob's digest checked."""
    assert json.loads((repository / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    index = json.loads((repository / "index.json").read_text())
    [descriptor] = [d for d in index["manifests"] if d["annotations"][REF_NAME] == tag]

    def blob(d: dict[str, Any]) -> bytes:
        data = (repository / "blobs" / "sha256" / d["digest"].removeprefix("sha256:")).read_bytes()
        assert _sha256(data) == d["digest"] and len(data) == d["size"]
        return data

    manifest = json.loads(blob(descriptor))
    config = json.loads(blob(manifest["config"]))
    files: dict[str, bytes] = {}
    for layer, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"], strict=True):
        tar_bytes = gzip.decompress(blob(layer))
        assert _sha256(tar_bytes) == diff_id
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as archive:
            for member in archive.getmembers():
                extracted = archive.extractfile(member)
                assert extracted is not None
                files[member.name] = extracted.read()
    return files


@pytest.fixture
def images(tmp_path: Path) -> Path:
    """The image store images are pushed from."""
    return tmp_path / "images"


@pytest.fixture
def pushed(tmp_path: Path) -> Path:
    """Where the registry keeps pushed images."""
    return tmp_path / "registry"


def _registry(client: Client, images: Path, pushed: Path, **config: Any) -> ContainerRegistryProxy:
    values = {"uri": URI, "path": str(pushed), "images_path": str(images), **config}
    client.register_component(REGISTRY, "local_registry", "local", config=values)
    client.register_stack(
        "with-registry", {StackComponentType.ARTIFACT_STORE: "default", REGISTRY: "local_registry"}
    )
    client.activate_stack("with-registry")
    registry = client.active_stack.container_registry
    assert registry is not None
    return registry


def test_push_image_copies_the_image_and_answers_its_repo_digest(
    client: Client, images: Path, pushed: Path
) -> None:
    digest = add_image(images, f"{URI}/team/trainer:v1", {"app/run.py": b"print('hi')\n"})
    registry = _registry(client, images, pushed)
    assert registry.push_image(f"{URI}/team/trainer:v1") == f"{URI}/team/trainer@{digest}"
    assert read_pushed(pushed / "team" / "trainer", "v1") == {"app/run.py": b"print('hi')\n"}
    # Pushing again changes nothing; a new image under the same tag moves the tag.
    assert registry.push_image(f"{URI}/team/trainer:v1") == f"{URI}/team/trainer@{digest}"
    newer = add_image(images, f"{URI}/team/trainer:v1", {"app/run.py": b"print('v2')\n"})
    assert registry.push_image(f"{URI}/team/trainer:v1") == f"{URI}/team/trainer@{newer}"
    assert read_pushed(pushed / "team" / "trainer", "v1") == {"app/run.py": b"print('v2')\n"}
    index = json.loads((pushed / "team" / "trainer" / "index.json").read_text())
    assert [d["digest"] for d in index["manifests"]] == [newer]


def test_an_image_without_a_tag_is_pushed_as_latest(
    client: Client, images: Path, pushed: Path
) -> None:
    digest = add_image(images, f"{URI}/trainer:latest", {"a": b"1"})
    registry = _registry(client, images, pushed)
    assert registry.push_image(f"{URI}/trainer") == f"{URI}/trainer@{digest}"
    assert read_pushed(pushed / "trainer", "latest") == {"a": b"1"}


def test_the_default_directories_are_in_the_home(client: Client, home: Path) -> None:
    digest = add_image(home / "images", f"{URI}/app:1", {"f": b"x"})
    client.register_component(REGISTRY, "plain", "local", config={"uri": URI + "/"})
    client.register_stack("s", {StackComponentType.ARTIFACT_STORE: "default", REGISTRY: "plain"})
    client.activate_stack("s")
    registry = client.active_stack.container_registry
    assert registry is not None and registry.uri == URI  # the trailing slash is dropped
    assert registry.push_image(f"{URI}/app:1") == f"{URI}/app@{digest}"
    assert read_pushed(home / "container_registries" / "plain" / "app", "1") == {"f": b"x"}


def test_image_names_of_other_registries_are_refused(
    client: Client, images: Path, pushed: Path
) -> None:
    registry = _registry(client, images, pushed)
    assert registry.is_valid_image_name_for_registry(f"{URI}/team/trainer:v1")
    assert not registry.is_valid_image_name_for_registry("localhost:50001/trainer")
    assert not registry.is_valid_image_name_for_registry("ghcr.io/x/trainer")
    assert not registry.is_valid_image_name_for_registry(URI)
    with pytest.raises(ValueError, match=r"'localhost:50001/trainer' does not belong .*'local"):
        registry.push_image("localhost:50001/trainer")
    with pytest.raises(ValueError, match=r"name it 'localhost:5000/REPOSITORY\[:TAG\]'"):
        registry.prepare_image_push("ghcr.io/x/trainer")
    assert not pushed.exists()


def test_bad_image_names_say_what_a_good_one_is(client: Client, images: Path, pushed: Path) -> None:
    registry = _registry(client, images, pushed)
    with pytest.raises(ValueError, match="repository must be lowercase"):
        registry.push_image(f"{URI}/Team/trainer")
    with pytest.raises(ValueError, match="names a digest; push by tag"):
        registry.push_image(f"{URI}/trainer@sha256:{'0' * 64}")
    with pytest.raises(ValueError, match="no image_name"):
        registry.push_image("")


def test_prepare_image_push_creates_the_repository(
    client: Client, images: Path, pushed: Path
) -> None:
    registry = _registry(client, images, pushed)
    registry.prepare_image_push(f"{URI}/team/evaluator:v2")
    assert (pushed / "team" / "evaluator").is_dir()


def test_an_image_missing_from_the_store_is_not_found(
    client: Client, images: Path, pushed: Path
) -> None:
    add_image(images, f"{URI}/other:1", {"f": b"x"})
    registry = _registry(client, images, pushed)
    with pytest.raises(FileNotFoundError, match=r"'localhost:5000/trainer:v1' is not in .*other:1"):
        registry.push_image(f"{URI}/trainer:v1")


def test_a_damaged_blob_is_refused_and_not_tagged(
    client: Client, images: Path, pushed: Path
) -> None:
    add_image(images, f"{URI}/trainer:v1", {"f": b"x" * 100})
    index = json.loads((images / "index.json").read_text())
    manifest_path = images / "blobs" / "sha256" / index["manifests"][0]["digest"][7:]
    layer = json.loads(manifest_path.read_text())["layers"][0]["digest"][7:]
    (images / "blobs" / "sha256" / layer).write_bytes(b"not the layer")
    registry = _registry(client, images, pushed)
    with pytest.raises(ValueError, match="is damaged"):
        registry.push_image(f"{URI}/trainer:v1")
    assert not (pushed / "trainer" / "index.json").exists()


def test_a_registry_without_credentials_needs_no_login(
    client: Client, images: Path, pushed: Path
) -> None:
    registry = _registry(client, images, pushed)
    assert registry.requires_authentication is False
    assert registry.credentials is None


def test_credentials_come_from_a_referenced_secret(
    client: Client, images: Path, pushed: Path
) -> None:
    client.create_secret("registry-login", {"username": "robot", "password": "t0ken"})
    registry = _registry(
        client,
        images,
        pushed,
        username="{{registry-login.username}}",
        password="{{registry-login.password}}",
    )
    assert registry.requires_authentication is True
    assert registry.credentials == ("robot", "t0ken")
    assert "t0ken" not in json.dumps(dict(registry.config))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"uri": "https://localhost:5000"}, "give it without one: 'localhost:5000'"),
        ({"uri": "localhost:5000/Team"}, "lowercase namespace"),
        ({"uri": ""}, "not a registry address"),
        ({"uri": URI, "username": "robot"}, "password is not: give both"),
        ({"uri": URI, "path": "relative/dir"}, "must be an absolute directory"),
        ({}, "field 'uri' is required"),
    ],
)
def test_bad_configs_name_the_field_and_the_fix(
    client: Client, config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigValidationError, match=message):
        client.register_component(REGISTRY, "bad", "local", config=config)
    assert client.list_components(REGISTRY) == []


def test_a_stack_without_a_container_registry_has_none(client: Client) -> None:
    assert client.active_stack.container_registry is None


def test_cli_registers_a_registry_with_secret_credentials_and_a_stack_uses_it(
    cli: Cli, tmp_path: Path
) -> None:
    images = tmp_path / "images"
    digest = add_image(images, f"{URI}/trainer:v1", {"f": b"x"})
    cli(
        "container-registry",
        "register",
        "team",
        "--flavor=local",
        f"--uri={URI}",
        f"--images_path={images}",
        "--username=robot",
        "--password=s3cret",
    )
    described = cli("container-registry", "describe", "team").stdout
    assert URI in described and "s3cret" not in described
    assert "{{container_registry-team.password}}" in described
    flavors = cli("container-registry", "flavor", "list").stdout
    assert "local" in flavors
    cli("stack", "register", "shipping", "-a", "default", "-c", "team")
    cli("stack", "set", "shipping")
    assert "container_registry" in cli("stack", "describe").stdout
    with Client(cli.home) as client:
        registry = client.active_stack.container_registry
        assert registry is not None
        assert registry.credentials == ("robot", "s3cret")
        assert registry.push_image(f"{URI}/trainer:v1") == f"{URI}/trainer@{digest}"
    pushed = cli.home / "container_registries" / "team" / "trainer"
    assert read_pushed(pushed, "v1") == {"f": b"x"}
