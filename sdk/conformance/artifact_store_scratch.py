"""The artifact store suite's fixture: a fresh scratch folder `conformance-XXXXXXXX` under the
configured root (removed at the end: with --component the root may be a user's real store),
calls to the store under test, and whether it keeps empty directories (object stores such as S3
do not; found out in setup)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from typing import Any

from flavorhost.conformance.checks import CheckFailed
from flavorhost.conformance.probe import CALL_TIMEOUT_SECONDS, Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import scratch_name
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import artifact_store_pb2_grpc
from flavorhost.protocol import CHUNK_SIZE


class Store(Service):
    """The scratch folder and calls to the store under test."""

    def __init__(self, probe: Probe, root: str) -> None:
        super().__init__(probe, artifact_store_pb2_grpc.ArtifactStoreStub)
        self.root = f"{root.rstrip('/')}/{scratch_name()}"
        # Object stores have no empty directories: MkDir may create nothing (found out in setup).
        self.keeps_empty_dirs = True

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def write_messages(self, path: str, data: bytes, append: bool = False) -> Iterator[Any]:
        yield pb.WriteRequest(open=pb.WriteOpen(path=path, append=append))
        for start in range(0, len(data), CHUNK_SIZE):
            yield pb.WriteRequest(data=data[start : start + CHUNK_SIZE])
        yield pb.WriteRequest(finish=pb.WriteFinish())

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        replies = self.probe.stream(self.stub.Write, self.write_messages(path, data, append))
        kinds = [r.WhichOneof("kind") for r in replies]
        if kinds != ["opened", "committed"]:
            raise CheckFailed(f"Write of {path} answered {kinds}, want ['opened', 'committed']")
        if replies[1].committed.bytes_written != len(data):
            raise CheckFailed(
                f"Write committed {replies[1].committed.bytes_written} bytes, sent {len(data)}"
            )

    def read_raw(self, path: str, **fields: Any) -> Iterator[Any]:
        return self.stub.Read(  # type: ignore[no-any-return]
            pb.ReadRequest(path=path, **fields),
            metadata=self.probe.metadata(),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def read(self, path: str, **fields: Any) -> tuple[pb.ReadOpened, bytes]:
        replies = self.probe.stream(self.stub.Read, pb.ReadRequest(path=path, **fields))
        if not replies or replies[0].WhichOneof("kind") != "opened":
            raise CheckFailed(f"Read of {path} did not start with `opened`")
        if any(r.WhichOneof("kind") != "data" for r in replies[1:]):
            raise CheckFailed(f"Read of {path} sent `opened` twice")
        return replies[0].opened, b"".join(r.data for r in replies[1:])

    def folder(self, *parts: str) -> str:
        """A directory that exists in any store: made, and holding a file (object stores have
        no empty directories)."""
        path = self.path(*parts)
        self("MakeDirs", pb.MakeDirsRequest(path=path))
        self.write(posixpath.join(path, "inside.txt"), b"x")
        return path

    def exists(self, path: str) -> bool:
        return bool(self("Exists", pb.ExistsRequest(path=path)).exists)

    def show(self, request: Any) -> str:
        """A request on one line, the scratch folder shortened to `~`."""
        return " ".join(str(request).replace(self.root, "~").split())[:80]


def store_of(probe: Probe) -> Store:
    store: Store = probe.state["artifact_store"]
    return store


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape: a fresh folder."""
    return {"path": os.path.join(probe.temp, "store")}


def setup(probe: Probe) -> None:
    root = str((probe.config or {}).get("path", ""))
    if not root:
        raise ValueError("the config has no `path`: the kit works in a scratch folder under it")
    store = Store(probe, root)
    probe.state["artifact_store"] = store
    store("MakeDirs", pb.MakeDirsRequest(path=store.root))
    probe_dir = store.path("empty-dir-probe")
    store("MkDir", pb.MkDirRequest(path=probe_dir))
    store.keeps_empty_dirs = bool(store("IsDir", pb.IsDirRequest(path=probe_dir)).is_dir)
    if store.keeps_empty_dirs:
        store("RmTree", pb.RmTreeRequest(path=probe_dir))


def snapshot(store: Store) -> list[tuple[str, list[str], list[tuple[str, int]]]]:
    """The scratch tree with file sizes, to show a call changed nothing."""
    entries = store.probe.stream(store.stub.Walk, pb.WalkRequest(top=store.root, topdown=True))
    return sorted(
        (
            e.dirpath,
            sorted(e.dirnames),
            sorted(
                (
                    name,
                    store("Size", pb.SizeRequest(path=posixpath.join(e.dirpath, name))).size,
                )
                for name in e.filenames
            ),
        )
        for e in entries
    )


def teardown(probe: Probe) -> None:
    store = probe.state.pop("artifact_store", None)
    if store is not None and store.exists(store.root):
        store("RmTree", pb.RmTreeRequest(path=store.root))
