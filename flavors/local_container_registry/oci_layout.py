"""OCI image layouts (opencontainers image-spec, image-layout.md) read and written with the
standard library: content-addressed blobs under `blobs/sha256/`, an `index.json` naming images by
the `org.opencontainers.image.ref.name` annotation, and the `oci-layout` marker file."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REF_NAME = "org.opencontainers.image.ref.name"
INDEX_MEDIA_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
MANIFEST_MEDIA_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
}
LAYOUT_VERSION = {"imageLayoutVersion": "1.0.0"}
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")
_CHUNK = 1 << 20
# Manifests and indexes are small JSON documents; a larger one is not an image description.
_MAX_MANIFEST_BYTES = 4 << 20


class LayoutError(ValueError):
    """The layout's content does not match what it claims (a digest, a size, a format)."""


class OciLayout:
    """One OCI image layout directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def blob_path(self, digest: str) -> Path:
        """Where the blob with `digest` is kept (only sha256 digests are accepted)."""
        match = _DIGEST.fullmatch(digest)
        if match is None:
            raise LayoutError(f"digest {digest!r} is not sha256:<64 hex digits>")
        return self.root / "blobs" / "sha256" / match.group(1)

    def index(self) -> dict[str, Any]:
        """The layout's index.json (an empty index where there is none yet)."""
        path = self.root / "index.json"
        if not path.exists():
            return {"schemaVersion": 2, "manifests": []}
        index = json.loads(path.read_text())
        if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
            raise LayoutError(f"{path} is not an OCI image index")
        return index

    def find(self, ref_name: str) -> dict[str, Any] | None:
        """The descriptor the index names `ref_name`, if any."""
        if not (self.root / "oci-layout").exists():
            return None
        for descriptor in self.index()["manifests"]:
            if descriptor.get("annotations", {}).get(REF_NAME) == ref_name:
                return dict(descriptor)
        return None

    def names(self) -> list[str]:
        """The ref names in the index."""
        if not (self.root / "oci-layout").exists():
            return []
        manifests = self.index()["manifests"]
        return sorted(n for d in manifests if (n := d.get("annotations", {}).get(REF_NAME)))

    def read_manifest(self, descriptor: dict[str, Any]) -> dict[str, Any]:
        """The manifest or index a descriptor points at, checked against its digest."""
        if int(descriptor.get("size", 0)) > _MAX_MANIFEST_BYTES:
            raise LayoutError(f"manifest {descriptor.get('digest')} is too large to be one")
        data = self.blob_path(str(descriptor.get("digest"))).read_bytes()
        _check(data, descriptor)
        manifest = json.loads(data)
        if not isinstance(manifest, dict):
            raise LayoutError(f"blob {descriptor['digest']} is not a JSON object")
        return manifest

    def copy_blob_from(self, source: OciLayout, descriptor: dict[str, Any]) -> None:
        """Copies one blob from `source`, checking its digest and size; a blob already here
        with the right size is kept (blobs are content-addressed)."""
        digest = str(descriptor.get("digest"))
        target = self.blob_path(digest)
        if target.exists() and target.stat().st_size == int(descriptor.get("size", -1)):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        hasher, size = hashlib.sha256(), 0
        fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, source.blob_path(digest).open("rb") as blob:
                while chunk := blob.read(_CHUNK):
                    hasher.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if f"sha256:{hasher.hexdigest()}" != digest or size != int(descriptor.get("size", -1)):
                raise LayoutError(
                    f"blob {digest} in {source.root} is damaged: its content has digest "
                    f"sha256:{hasher.hexdigest()} and {size} bytes"
                )
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    def tag(self, descriptor: dict[str, Any], ref_name: str) -> None:
        """Names `descriptor` `ref_name` in the index (moving the name if it named another)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._locked():
            _write_json(self.root / "oci-layout", LAYOUT_VERSION)
            index = self.index()
            kept = [
                d for d in index["manifests"] if d.get("annotations", {}).get(REF_NAME) != ref_name
            ]
            entry = {k: v for k, v in descriptor.items() if k in ("mediaType", "digest", "size")}
            entry["annotations"] = {REF_NAME: ref_name}
            index["manifests"] = [*kept, entry]
            _write_json(self.root / "index.json", index)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.root / ".index.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def copy_image(source: OciLayout, target: OciLayout, descriptor: dict[str, Any]) -> None:
    """Copies the image (or multi-platform index) `descriptor` names, blobs before the manifests
    that refer to them, as a registry expects them."""
    manifest = source.read_manifest(descriptor)
    media_type = manifest.get("mediaType") or descriptor.get("mediaType")
    if media_type in INDEX_MEDIA_TYPES:
        for child in manifest.get("manifests", []):
            copy_image(source, target, child)
    elif media_type in MANIFEST_MEDIA_TYPES:
        for blob in [manifest.get("config", {}), *manifest.get("layers", [])]:
            target.copy_blob_from(source, blob)
    else:
        raise LayoutError(f"blob {descriptor.get('digest')} has unknown media type {media_type!r}")
    target.copy_blob_from(source, descriptor)


def _check(data: bytes, descriptor: dict[str, Any]) -> None:
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    if digest != descriptor.get("digest") or len(data) != int(descriptor.get("size", -1)):
        raise LayoutError(
            f"blob {descriptor.get('digest')} is damaged: its content has digest {digest} and "
            f"{len(data)} bytes"
        )


def _write_json(path: Path, value: Any) -> None:
    """Writes JSON under a temporary name and renames it into place."""
    fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(value, out)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
