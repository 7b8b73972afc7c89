"""Checks of flavorhost.v1.ArtifactStore (artifact_store.proto, docs/protocol.md).

Everything happens in a fresh scratch folder under the configured root, removed at the end
(artifact_store_scratch.py). Where flavors may legitimately differ (object stores such as S3
have no empty directories), a check accepts what the protocol allows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
from typing import Any

import grpc

from flavorhost.conformance import artifact_store_scratch as scratch
from flavorhost.conformance.artifact_store_scratch import snapshot, store_of
from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import CALL_TIMEOUT_SECONDS, Probe, expect_error
from flavorhost.conformance.support import on_threads
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import common_pb2

SERVICE = "flavorhost.v1.ArtifactStore"
SUITE = Suite(
    "artifact_store",
    setup=scratch.setup,
    teardown=scratch.teardown,
    default_config=scratch.default_config,
    service=SERVICE,
)
S = grpc.StatusCode


@SUITE.check("write then read", ("Write", "Read"))
def write_then_read(probe: Probe) -> None:
    store = store_of(probe)
    data = b"hello conformance\n" * 100
    store.write(store.path("a.bin"), data)
    opened, got = store.read(store.path("a.bin"))
    if got != data:
        raise CheckFailed(f"read back {len(got)} bytes that differ from the {len(data)} written")
    if opened.size not in (len(data), -1):
        raise CheckFailed(f"opened.size is {opened.size}, want {len(data)} or -1")
    store.write(store.path("empty.bin"), b"")
    if store.read(store.path("empty.bin"))[1] != b"":
        raise CheckFailed("an empty file read back non-empty")


@SUITE.check("write append", "Write")
def write_append(probe: Probe) -> None:
    store = store_of(probe)
    store.write(store.path("log.txt"), b"one\n")
    store.write(store.path("log.txt"), b"two\n", append=True)
    store.write(store.path("new-by-append.txt"), b"x", append=True)
    if store.read(store.path("log.txt"))[1] != b"one\ntwo\n":
        raise CheckFailed("append did not add to the end of the file")
    if store.read(store.path("new-by-append.txt"))[1] != b"x":
        raise CheckFailed("append to a missing file did not create it")


@SUITE.check("write must start with open", "Write")
def write_without_open(probe: Probe) -> None:
    store = store_of(probe)
    messages = iter([pb.WriteRequest(data=b"x"), pb.WriteRequest(finish=pb.WriteFinish())])
    expect_error(
        lambda: list(
            store.stub.Write(messages, metadata=probe.metadata(), timeout=CALL_TIMEOUT_SECONDS)
        ),
        S.INVALID_ARGUMENT,
    )


@SUITE.check("abandoned write keeps old content", "Write")
def abandoned_write(probe: Probe) -> None:
    store = store_of(probe)
    old, new = store.path("keep.txt"), store.path("never.txt")
    store.write(old, b"old content")
    for path in (old, new):
        # Without `finish` the stream must be discarded.
        messages = iter(
            [pb.WriteRequest(open=pb.WriteOpen(path=path)), pb.WriteRequest(data=b"partial")]
        )
        # INVALID_ARGUMENT (ended without finish) is what the Python runtime answers.
        with contextlib.suppress(grpc.RpcError):
            list(store.stub.Write(messages, metadata=probe.metadata(), timeout=10))
    if store.read(old)[1] != b"old content":
        raise CheckFailed("an abandoned write changed the file it was replacing")
    if store.exists(new):
        raise CheckFailed("an abandoned write of a new file left it under its name")


@SUITE.check("write into a missing directory", "Write")
def write_missing_directory(probe: Probe) -> str:
    store = store_of(probe)
    path = store.path("no-such-dir", "f.txt")
    if not store.keeps_empty_dirs:
        store.write(path, b"x")  # object stores: the prefix needs no creating
        return "the store has no real directories: the write created the key"
    try:
        expect_error(
            lambda: list(
                store.stub.Write(
                    store.write_messages(path, b"x"),
                    metadata=probe.metadata(),
                    timeout=CALL_TIMEOUT_SECONDS,
                )
            ),
            S.NOT_FOUND,
            "FILE_NOT_FOUND",
        )
    except CheckFailed as failure:
        raise CheckFailed(f"writing {path}: {failure}") from None
    return "FILE_NOT_FOUND"


@SUITE.check("read missing file", "Read")
def read_missing(probe: Probe) -> None:
    store = store_of(probe)
    expect_error(
        lambda: list(store.read_raw(store.path("missing.bin"))), S.NOT_FOUND, "FILE_NOT_FOUND"
    )


@SUITE.check("read a directory", "Read")
def read_directory(probe: Probe) -> None:
    store = store_of(probe)
    store.folder("dir-for-read")
    expect_error(
        lambda: list(store.read_raw(store.path("dir-for-read"))),
        S.FAILED_PRECONDITION,
        "IS_A_DIRECTORY",
    )


@SUITE.check("read offset, length, chunk size", "Read")
def read_ranges(probe: Probe) -> None:
    store = store_of(probe)
    data = os.urandom(300_000)
    store.write(store.path("ranges.bin"), data)
    for offset, length in ((0, 0), (1000, 0), (1000, 5000), (299_999, 10), (300_000, 0)):
        _, got = store.read(store.path("ranges.bin"), offset=offset, length=length)
        want = data[offset : offset + length] if length > 0 else data[offset:]
        if got != want:
            raise CheckFailed(
                f"offset {offset} length {length}: {len(got)} bytes, want {len(want)}"
            )
    replies = probe.stream(
        store.stub.Read, pb.ReadRequest(path=store.path("ranges.bin"), chunk_size=65536)
    )
    biggest = max(len(r.data) for r in replies[1:])
    if biggest > 65536:
        raise CheckFailed(f"chunk_size 65536 sent a chunk of {biggest} bytes")


@SUITE.check("read if_version", "Read")
def read_if_version(probe: Probe) -> str:
    store = store_of(probe)
    path = store.path("versioned.txt")
    store.write(path, b"version one")
    opened, _ = store.read(path)
    if not opened.version:
        raise Skip("the flavor reports no file versions (allowed)")
    store.read(path, if_version=opened.version)
    store.write(path, b"version two, longer")
    expect_error(
        lambda: list(store.read_raw(path, if_version=opened.version)),
        S.FAILED_PRECONDITION,
        "FILE_CHANGED",
    )
    return "FILE_CHANGED after a replace"


@SUITE.check("exists and isdir", ("Exists", "IsDir"))
def exists_and_isdir(probe: Probe) -> None:
    store = store_of(probe)
    store.folder("sub")
    store.write(store.path("sub", "f.txt"), b"x")
    expected = {
        store.path("sub"): (True, True),
        store.path("sub", "f.txt"): (True, False),
        store.path("nothing-here"): (False, False),
    }
    for path, (exists, is_dir) in expected.items():
        got = (
            store.exists(path),
            bool(store("IsDir", pb.IsDirRequest(path=path)).is_dir),
        )
        if got != (exists, is_dir):
            raise CheckFailed(f"{path}: exists/isdir {got}, want {(exists, is_dir)}")


@SUITE.check("listdir", "ListDir")
def listdir(probe: Probe) -> None:
    store = store_of(probe)
    folder = store.path("listing")
    store("MakeDirs", pb.MakeDirsRequest(path=folder))
    for name in ("b.txt", "a.txt", "deeper/c.txt"):
        if name.startswith("deeper") and store.keeps_empty_dirs:
            store("MakeDirs", pb.MakeDirsRequest(path=posixpath.join(folder, "deeper")))
        store.write(posixpath.join(folder, name), b"x")
    names = sorted(store("ListDir", pb.ListDirRequest(path=folder)).names)
    if names != ["a.txt", "b.txt", "deeper"]:
        raise CheckFailed(f"ListDir gave {names}, want entry names ['a.txt', 'b.txt', 'deeper']")
    store.expect(
        "ListDir", pb.ListDirRequest(path=store.path("nope")), S.NOT_FOUND, "FILE_NOT_FOUND"
    )
    store.expect(
        "ListDir",
        pb.ListDirRequest(path=posixpath.join(folder, "a.txt")),
        S.FAILED_PRECONDITION,
        "NOT_A_DIRECTORY",
    )


@SUITE.check("glob", "Glob")
def glob(probe: Probe) -> None:
    store = store_of(probe)
    folder = store.path("globbing")
    store("MakeDirs", pb.MakeDirsRequest(path=folder))
    for name in ("one.txt", "two.txt", "three.bin"):
        store.write(posixpath.join(folder, name), b"x")
    paths = sorted(store("Glob", pb.GlobRequest(pattern=f"{folder}/*.txt")).paths)
    want = [f"{folder}/one.txt", f"{folder}/two.txt"]
    if paths != want:
        raise CheckFailed(f"Glob gave {paths}, want {want}")
    if list(store("Glob", pb.GlobRequest(pattern=f"{folder}/*.none")).paths):
        raise CheckFailed("Glob with no match returned paths")


@SUITE.check("stat and size", ("Stat", "Size"))
def stat_and_size(probe: Probe) -> None:
    store = store_of(probe)
    path = store.path("sized.bin")
    store.write(path, b"x" * 1234)
    info = store("Stat", pb.StatRequest(path=path)).stat
    if info.size != 1234 or info.is_dir:
        raise CheckFailed(f"Stat of a 1234-byte file: size {info.size}, is_dir {info.is_dir}")
    if store("Size", pb.SizeRequest(path=path)).size != 1234:
        raise CheckFailed("Size of a 1234-byte file is wrong")
    if not store("Stat", pb.StatRequest(path=store.root)).stat.is_dir:
        raise CheckFailed("Stat of the scratch folder: is_dir is false")
    missing = store.path("missing")
    store.expect("Stat", pb.StatRequest(path=missing), S.NOT_FOUND, "FILE_NOT_FOUND")
    store.expect("Size", pb.SizeRequest(path=missing), S.NOT_FOUND, "FILE_NOT_FOUND")


@SUITE.check("mkdir and makedirs", ("MkDir", "MakeDirs"))
def mkdir_and_makedirs(probe: Probe) -> str:
    store = store_of(probe)
    nested = store.path("made", "by", "makedirs")
    store("MakeDirs", pb.MakeDirsRequest(path=nested))
    store("MakeDirs", pb.MakeDirsRequest(path=nested))  # an existing one is fine
    if not store.keeps_empty_dirs:
        store("MkDir", pb.MkDirRequest(path=store.path("made-by-mkdir")))
        return "the store keeps no empty directories: only that MkDir/MakeDirs succeed"
    if not store("IsDir", pb.IsDirRequest(path=nested)).is_dir:
        raise CheckFailed("MakeDirs did not create the directory")
    store("MkDir", pb.MkDirRequest(path=store.path("made-by-mkdir")))
    store.expect(
        "MkDir", pb.MkDirRequest(path=store.path("made-by-mkdir")), S.ALREADY_EXISTS, "FILE_EXISTS"
    )
    store.expect(
        "MkDir",
        pb.MkDirRequest(path=store.path("no-parent", "child")),
        S.NOT_FOUND,
        "FILE_NOT_FOUND",
    )
    return "FILE_EXISTS and FILE_NOT_FOUND as specified"


@SUITE.check("remove", "Remove")
def remove(probe: Probe) -> None:
    store = store_of(probe)
    path = store.path("doomed.txt")
    store.write(path, b"x")
    store("Remove", pb.RemoveRequest(path=path))
    if store.exists(path):
        raise CheckFailed("the file still exists after Remove")
    store.expect("Remove", pb.RemoveRequest(path=path), S.NOT_FOUND, "FILE_NOT_FOUND")
    store.folder("rm-dir")
    store.expect(
        "Remove",
        pb.RemoveRequest(path=store.path("rm-dir")),
        S.FAILED_PRECONDITION,
        "IS_A_DIRECTORY",
    )


def _copy_or_rename(probe: Probe, method: str, request_class: Any) -> None:
    store = store_of(probe)
    src, dst = store.path(f"{method}-src.txt"), store.path(f"{method}-dst.txt")
    store.write(src, b"source")
    store.write(dst, b"destination")
    store.expect(method, request_class(src=src, dst=dst), S.ALREADY_EXISTS, "FILE_EXISTS")
    if store.read(dst)[1] != b"destination":
        raise CheckFailed(f"a refused {method} changed the destination")
    store(method, request_class(src=src, dst=dst, overwrite=True))
    if store.read(dst)[1] != b"source":
        raise CheckFailed(f"{method} with overwrite did not replace the destination")
    if store.exists(src) != (method == "CopyFile"):
        raise CheckFailed(
            f"after {method} the source {'is gone' if method == 'CopyFile' else 'remains'}"
        )
    fresh = store.path(f"{method}-fresh.txt")
    store(method, request_class(src=dst, dst=fresh))
    if store.read(fresh)[1] != b"source":
        raise CheckFailed(f"{method} to a new name gave other content")
    missing = store.path("missing-source")
    store.expect(
        method, request_class(src=missing, dst=store.path("x")), S.NOT_FOUND, "FILE_NOT_FOUND"
    )


@SUITE.check("copyfile", "CopyFile")
def copyfile(probe: Probe) -> None:
    _copy_or_rename(probe, "CopyFile", pb.CopyFileRequest)


@SUITE.check("rename", "Rename")
def rename(probe: Probe) -> None:
    _copy_or_rename(probe, "Rename", pb.RenameRequest)


@SUITE.check("rmtree", "RmTree")
def rmtree(probe: Probe) -> None:
    store = store_of(probe)
    top = store.path("tree")
    if store.keeps_empty_dirs:
        store("MakeDirs", pb.MakeDirsRequest(path=posixpath.join(top, "a", "b")))
    store.write(posixpath.join(top, "a", "b", "leaf.txt"), b"x")
    store.write(posixpath.join(top, "root.txt"), b"x")
    store.expect(
        "RmTree",
        pb.RmTreeRequest(path=posixpath.join(top, "root.txt")),
        S.FAILED_PRECONDITION,
        "NOT_A_DIRECTORY",
    )
    store("RmTree", pb.RmTreeRequest(path=top))
    if store.exists(top) or store.exists(posixpath.join(top, "a", "b", "leaf.txt")):
        raise CheckFailed("the tree still exists after RmTree")
    store.expect("RmTree", pb.RmTreeRequest(path=top), S.NOT_FOUND, "FILE_NOT_FOUND")


@SUITE.check("walk", "Walk")
def walk(probe: Probe) -> None:
    store = store_of(probe)
    top = store.path("walked")
    if store.keeps_empty_dirs:
        store("MakeDirs", pb.MakeDirsRequest(path=posixpath.join(top, "a", "b")))
    store.write(posixpath.join(top, "top.txt"), b"x")
    store.write(posixpath.join(top, "a", "one.txt"), b"x")
    store.write(posixpath.join(top, "a", "b", "deep.txt"), b"x")
    want = {
        top: (["a"], ["top.txt"]),
        f"{top}/a": (["b"], ["one.txt"]),
        f"{top}/a/b": ([], ["deep.txt"]),
    }
    for topdown in (True, False):
        entries = probe.stream(store.stub.Walk, pb.WalkRequest(top=top, topdown=topdown))
        if any(e.HasField("error") for e in entries):
            raise CheckFailed(
                f"Walk reported errors: {[e.error.message for e in entries if e.HasField('error')]}"
            )
        got = {e.dirpath.rstrip("/"): (sorted(e.dirnames), sorted(e.filenames)) for e in entries}
        if got != want:
            raise CheckFailed(f"Walk (topdown={topdown}) gave {got}, want {want}")
        order = [e.dirpath.rstrip("/") for e in entries]
        if (order.index(top) < order.index(f"{top}/a")) != topdown:
            raise CheckFailed(f"Walk (topdown={topdown}) order is {order}")
    entries = probe.stream(store.stub.Walk, pb.WalkRequest(top=store.path("nope"), topdown=True))
    if any(not e.HasField("error") for e in entries):
        raise CheckFailed("Walk of a missing top listed directories")
    reasons = {e.error.reason for e in entries}
    if entries and reasons != {_file_not_found()}:
        raise CheckFailed(
            f"Walk of a missing top sent error reasons {reasons}, want FILE_NOT_FOUND"
        )


def _file_not_found() -> int:
    return int(common_pb2.ErrorReason.Value("FILE_NOT_FOUND"))


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    store = store_of(probe)
    folder = store.path("idem")
    store("MakeDirs", pb.MakeDirsRequest(path=folder))
    file = posixpath.join(folder, "f.txt")
    store.write(file, b"same every time")
    requests: dict[str, Any] = {
        "Read": pb.ReadRequest(path=file),
        "Exists": pb.ExistsRequest(path=file),
        "Glob": pb.GlobRequest(pattern=f"{folder}/*"),
        "IsDir": pb.IsDirRequest(path=folder),
        "ListDir": pb.ListDirRequest(path=folder),
        "Stat": pb.StatRequest(path=file),
        "Size": pb.SizeRequest(path=file),
        "Walk": pb.WalkRequest(top=folder, topdown=True),
    }

    def normalize(method: str, answer: Any) -> Any:
        if method == "Stat":  # access times may move when the sidecar reads; the rest may not
            answer.stat.atime = 0
        return answer

    return store.idempotent(requests, lambda: snapshot(store), normalize)


@SUITE.check("large stream", ("Write", "Read", "Size"))
def large_stream(probe: Probe) -> str:
    store = store_of(probe)
    size = probe.large_bytes
    block = os.urandom(1 << 20)
    data = (block * (size // len(block) + 1))[:size]
    path = store.path("large.bin")
    store.write(path, data)
    if store("Size", pb.SizeRequest(path=path)).size != size:
        raise CheckFailed(f"Size of the {size >> 20} MiB file is wrong")
    digest = hashlib.sha256()
    count = 0
    for reply in store.read_raw(path):
        if reply.WhichOneof("kind") == "data":
            digest.update(reply.data)
            count += 1
    if digest.digest() != hashlib.sha256(data).digest():
        raise CheckFailed(f"the {size >> 20} MiB file read back different")
    offset, length = size // 2 + 7, (1 << 20) + 3
    _, got = store.read(path, offset=offset, length=length)
    if got != data[offset : offset + length]:
        raise CheckFailed(f"Read at offset {offset}, length {length} gave other bytes")
    store("Remove", pb.RemoveRequest(path=path))
    return f"{size >> 20} MiB in {count} chunks"


@SUITE.check("concurrent calls", ("Write", "Read", "Size"))
def concurrent(probe: Probe) -> str:
    store = store_of(probe)
    folder = store.path("concurrent")
    store("MakeDirs", pb.MakeDirsRequest(path=folder))

    def one(index: int) -> str:
        data = os.urandom(256 << 10) + str(index).encode()
        path = posixpath.join(folder, f"file-{index}.bin")
        store.write(path, data)
        if store.read(path)[1] != data:
            return f"file {index} read back different"
        if store("Size", pb.SizeRequest(path=path)).size != len(data):
            return f"file {index} has the wrong size"
        return ""

    note = on_threads(probe, probe.concurrency, one)
    names = store("ListDir", pb.ListDirRequest(path=folder)).names
    if len(names) != probe.concurrency:
        raise CheckFailed(f"{len(names)} files listed after {probe.concurrency} writes")
    return note
