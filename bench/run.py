"""flavorhost's benchmark: what running a flavor out of process costs, measured side by side.

Every figure of one table comes from one run on the same files, so ratios between columns are
meaningful even on a noisy shared machine; absolute times are not. See bench/README.md.

    python bench/run.py            # the full run (make bench)
    python bench/run.py --smoke    # tiny sizes, a few iterations: checks the harness works
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.flavors.local_artifact_store.artifact_store import LocalArtifactStore
from flavorhost.flavors.local_artifact_store.flavor import (
    LocalArtifactStoreConfig,
    LocalArtifactStoreFlavor,
)
from flavorhost.generated.v1 import artifact_store_pb2 as pb
from flavorhost.generated.v1 import artifact_store_pb2_grpc
from flavorhost.host.launch_commands import python_launch
from flavorhost.host.registry import ComponentRecord, FlavorRecord
from flavorhost.host.sidecar_process import SidecarProcess
from flavorhost.host_connection import is_running, wait_until_stopped
from flavorhost.protocol import CHUNK_SIZE
from flavorhost.proxies.component_link import DIRECT_ENV
from flavorhost.proxies.handed_over_files import FILE_HANDOVER_ENV

RESULTS = Path(__file__).resolve().parent / "results"
MIB = 1 << 20
ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
ORCHESTRATOR = StackComponentType.ORCHESTRATOR
LOCAL_SOURCE = f"{LocalArtifactStoreFlavor.__module__}.{LocalArtifactStoreFlavor.__qualname__}"


@dataclass(frozen=True)
class Sizes:
    """How much work each part does."""

    calls: int
    files_mib: tuple[int, ...]
    client_counts: tuple[int, ...]
    calls_per_client: int
    concurrency_rounds: int
    cold_starts: int
    rss_file_mib: int
    load_clients: int
    load_file_mib: int


FULL = Sizes(2000, (1, 64, 256), (1, 4, 16), 500, 3, 3, 256, 16, 256)
SMOKE = Sizes(20, (1,), (1, 2), 10, 1, 1, 2, 2, 2)


@dataclass
class Report:
    """The run's results, rendered as JSON and Markdown."""

    machine: dict[str, Any]
    latency: list[dict[str, Any]] = field(default_factory=list)
    streaming: list[dict[str, Any]] = field(default_factory=list)
    concurrency: list[dict[str, Any]] = field(default_factory=list)
    cold_start: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
    memory_under_load: list[dict[str, Any]] = field(default_factory=list)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "system": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def percentile(samples: list[float], fraction: float) -> float:
    """The sample below which `fraction` of the samples fall (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(call: Callable[[], Any], count: int) -> list[float]:
    """Seconds each of `count` calls took, after a few warm-up calls."""
    for _ in range(min(20, count)):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


class OneHop:
    """A sidecar of the local flavor launched and configured directly, without a host: the
    one-gRPC-hop baseline. Uses the host's own launcher, so it is the same process the host runs."""

    def __init__(self, root: Path, work: Path) -> None:
        flavor = FlavorRecord(ARTIFACT_STORE, "local", LOCAL_SOURCE, "", True)
        sockets = Path(tempfile.mkdtemp(prefix="fh-bench-"))
        self._sockets = sockets
        command = python_launch(flavor, sys.executable)
        self.sidecar = SidecarProcess.launch(flavor, command, sockets, work / "one-hop-sidecar.log")
        component = ComponentRecord(
            str(uuid.uuid4()), ARTIFACT_STORE, "bench", "local", {}, time.time(), time.time()
        )
        self.sidecar.ensure_configured(component, {"path": str(root)}, timeout=60)
        self.metadata = self.sidecar.metadata("bench")
        self.stub = artifact_store_pb2_grpc.ArtifactStoreStub(self.sidecar.channel)

    def exists(self, path: str) -> bool:
        return bool(self.stub.Exists(pb.ExistsRequest(path=path), metadata=self.metadata).exists)

    def stat(self, path: str) -> Any:
        return self.stub.Stat(pb.StatRequest(path=path), metadata=self.metadata)

    def listdir(self, path: str) -> list[str]:
        return list(self.stub.ListDir(pb.ListDirRequest(path=path), metadata=self.metadata).names)

    def write(self, path: str, data: bytes) -> None:
        def requests() -> Iterator[pb.WriteRequest]:
            yield pb.WriteRequest(open=pb.WriteOpen(path=path))
            view = memoryview(data)
            for offset in range(0, len(data), CHUNK_SIZE):
                yield pb.WriteRequest(data=bytes(view[offset : offset + CHUNK_SIZE]))
            yield pb.WriteRequest(finish=pb.WriteFinish())

        for _ in self.stub.Write(requests(), metadata=self.metadata):
            pass

    def read(self, path: str) -> int:
        total = 0
        for response in self.stub.Read(pb.ReadRequest(path=path), metadata=self.metadata):
            total += len(response.data)
        return total

    def close(self) -> None:
        self.sidecar.stop()
        shutil.rmtree(self._sockets, ignore_errors=True)


def bench_latency(
    report: Report, sizes: Sizes, root: Path, one_hop: OneHop, proxy: Any, via_host: Any
) -> None:
    """exists/stat/listdir: in process, one hop to the sidecar, the SDK proxy as users call it
    (direct to the sidecar with the host's grant), and the SDK proxy forced through the host."""
    (root / "probe").mkdir(exist_ok=True)
    for index in range(20):
        (root / "probe" / f"f{index}").write_bytes(b"x")
    local = LocalArtifactStore(
        name="bench",
        id=uuid.uuid4(),
        config=LocalArtifactStoreConfig(path=str(root)),
        flavor="local",
        type=ARTIFACT_STORE,
    )
    file, folder = "probe/f0", "probe"
    checks: dict[str, Callable[[Any], Any]] = {
        "exists": lambda store: store.exists(file),
        "stat": lambda store: store.stat(file),
        "listdir": lambda store: store.listdir(folder),
    }
    targets = {"in_process": local, "one_hop": one_hop, "proxied": proxy, "via_host": via_host}
    for name, check in checks.items():
        row: dict[str, Any] = {"call": name}
        for label, store in targets.items():
            call = functools.partial(check, store)
            samples = timed(call, sizes.calls)
            row[label] = {
                "p50_ms": percentile(samples, 0.5) * 1e3,
                "p99_ms": percentile(samples, 0.99) * 1e3,
            }
        row["proxied_vs_one_hop_p50"] = row["proxied"]["p50_ms"] / row["one_hop"]["p50_ms"]
        row["via_host_vs_one_hop_p50"] = row["via_host"]["p50_ms"] / row["one_hop"]["p50_ms"]
        report.latency.append(row)
        print(f"latency {name}: {json.dumps(row)}", flush=True)


def _rate(size: int, seconds: float) -> float:
    return size / MIB / seconds


# The ways the SDK proxy can move a file, compared with local I/O and the one-hop stream.
PROXY_PATHS = {
    "proxied": "as users call it (for the local flavor: the descriptor handed over)",
    "streamed": f"direct gRPC streams ({FILE_HANDOVER_ENV}=0, as for flavors that stream)",
    "via_host": f"through the host ({DIRECT_ENV}=0, as for remote clients)",
    "node_local": "the node_local flavor (JavaScript, @grpc/grpc-js) as users call it: streamed, "
    "on the same folder; measured when node is installed",
}


def bench_streaming(
    report: Report, sizes: Sizes, root: Path, one_hop: OneHop, proxies: dict[str, Any]
) -> None:
    """Writing and reading whole files: local file I/O, one hop, the SDK proxy's paths."""
    for mib in sizes.files_mib:
        row = _streaming_row(mib, root, one_hop, proxies)
        report.streaming.append(row)
        print(f"streaming {mib} MiB: {json.dumps(row)}", flush=True)


def _streaming_row(
    mib: int, root: Path, one_hop: OneHop, proxies: dict[str, Any]
) -> dict[str, Any]:
    data = os.urandom(mib * MIB)
    repeats = 3
    local_path = root / f"local-{mib}"

    def local_write() -> None:
        with open(local_path, "wb") as target:
            target.write(data)

    def local_read() -> None:
        with open(local_path, "rb") as source:
            while source.read(CHUNK_SIZE):
                pass

    def proxy_write(proxy: Any, name: str) -> None:
        with proxy.open(name, "wb") as target:
            target.write(data)

    def proxy_read(proxy: Any, name: str) -> None:
        with proxy.open(name, "rb") as source:
            while source.read(CHUNK_SIZE):
                pass

    row: dict[str, Any] = {"size_mib": mib}
    ways: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("local", local_write, local_read),
        ("one_hop", lambda: one_hop.write(f"hop-{mib}", data), lambda: one_hop.read(f"hop-{mib}")),
    ]
    for label, proxy in proxies.items():
        name = f"{label}-{mib}"
        ways.append(
            (
                label,
                functools.partial(proxy_write, proxy, name),
                functools.partial(proxy_read, proxy, name),
            )
        )
    # Rounds interleave the ways, so that none is always measured after the others have filled
    # the page cache with dirty data; each way keeps its fastest round.
    best = {(label, direction): float("inf") for label, _, _ in ways for direction in ("w", "r")}
    for _ in range(repeats):
        for direction, index in (("w", 1), ("r", 2)):
            for way in ways:
                start = time.perf_counter()
                way[index]()
                elapsed = time.perf_counter() - start
                best[way[0], direction] = min(best[way[0], direction], elapsed)
    for label, _, _ in ways:
        row[label] = {
            "write_mb_s": _rate(len(data), best[label, "w"]),
            "read_mb_s": _rate(len(data), best[label, "r"]),
        }
    for direction in ("write", "read"):
        key = f"{direction}_mb_s"
        for label in proxies:
            row[f"{label}_vs_one_hop_{direction}"] = row[label][key] / row["one_hop"][key]
        row[f"proxied_vs_local_{direction}"] = row["proxied"][key] / row["local"][key]
    for path in [local_path, root / f"hop-{mib}", *(root / f"{label}-{mib}" for label in proxies)]:
        path.unlink(missing_ok=True)
    return row


def client_worker(home: str, index: int, calls: int, start_at: float, out: Any) -> None:
    """One client process of the concurrency benchmark: mixed calls on its own files."""
    os.environ["FLAVORHOST_HOME"] = home
    with Client(Path(home), autostart=False) as client:
        store = client.active_stack.artifact_store
        payload = os.urandom(256 * 1024)
        folder = f"client-{index}"
        store.makedirs(folder)
        while time.time() < start_at:
            time.sleep(0.001)
        moved = 0
        start = time.perf_counter()
        for call in range(calls):
            name = f"{folder}/f{call % 8}"
            kind = call % 4
            if kind == 0:
                with store.open(name, "wb") as file:
                    file.write(payload)
                moved += len(payload)
            elif kind == 1 and store.exists(name):
                with store.open(name, "rb") as file:
                    moved += len(file.read())
            elif kind == 2:
                store.listdir(folder)
            else:
                store.exists(name)
        out.put((calls, moved, time.perf_counter() - start))


def bench_concurrency(report: Report, sizes: Sizes, home: Path) -> None:
    """1, 4, 16 client processes through one host: calls per second and MB/s overall.

    Rounds interleave the client counts (1, 4, 16, 1, 4, 16, ...) and each count keeps its best
    round, so that load from other tenants of a shared machine skews no count more than another."""
    best: dict[int, dict[str, Any]] = {}
    for _ in range(sizes.concurrency_rounds):
        for count in sizes.client_counts:
            row = _concurrency_round(sizes, home, count)
            print(f"concurrency {count}: {json.dumps(row)}", flush=True)
            if count not in best or row["calls_per_s"] > best[count]["calls_per_s"]:
                best[count] = row
    report.concurrency.extend(best[count] for count in sizes.client_counts)
    single = report.concurrency[0]["calls_per_s"]
    for row in report.concurrency:
        row["vs_one_client"] = row["calls_per_s"] / single


def _concurrency_round(sizes: Sizes, home: Path, count: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 2.0 + 0.3 * count  # after every process has started
    workers = [
        context.Process(
            target=client_worker, args=(str(home), i, sizes.calls_per_client, start_at, queue)
        )
        for i in range(count)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    wall = max(seconds for _, _, seconds in results)
    calls = sum(c for c, _, _ in results)
    moved = sum(m for _, m, _ in results)
    return {"clients": count, "calls_per_s": calls / wall, "mb_per_s": moved / MIB / wall}


def _python_seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    return time.perf_counter() - start


def bench_cold_start(report: Report, sizes: Sizes, home: Path) -> None:
    """From the first call on a stopped host until its answer, split into its parts."""
    runs = []
    for _ in range(sizes.cold_starts):
        if is_running(home):
            with Client(home, autostart=False) as running:
                pid = running.stop_host()
            wait_until_stopped(pid)
        start = time.perf_counter()
        client = Client(home)  # starts the host
        host_ready = time.perf_counter()
        store = client.active_stack.artifact_store
        store.exists("probe")  # starts the sidecar
        first = time.perf_counter()
        store.exists("probe")
        second = time.perf_counter()
        runs.append(
            {
                "host_start_s": host_ready - start,
                "first_call_s": first - host_ready,
                "warm_call_s": second - first,
                "total_s": first - start,
            }
        )
        client.close()
    sidecar_start = _sidecar_start_seconds(home, sizes.cold_starts)
    report.cold_start = {key: statistics.median(run[key] for run in runs) for key in runs[0]} | {
        "sidecar_start_s": sidecar_start,
        "python_import_grpc_s": statistics.median(_python_seconds("import grpc") for _ in range(3)),
        "python_import_grpc_and_flavor_s": statistics.median(
            _python_seconds("import grpc, flavorhost.flavors.local_artifact_store.artifact_store")
            for _ in range(3)
        ),
    }
    cold = report.cold_start
    cold["sidecar_vs_imports"] = sidecar_start / cold["python_import_grpc_and_flavor_s"]
    print(f"cold start: {json.dumps(report.cold_start)}", flush=True)


def _sidecar_start_seconds(home: Path, count: int) -> float:
    """Launch to handshake-and-configured of one local sidecar, the host's own way."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        hop = OneHop(home / "local_stores" / "default", home)
        samples.append(time.perf_counter() - start)
        hop.close()
    return statistics.median(samples)


def _rss_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_memory(report: Report, sizes: Sizes, client: Client) -> None:
    """Peak RSS of host, sidecar and client while a large file goes through, each way."""
    store = client.active_stack.artifact_store
    store.exists("probe")
    status = client.host_status()
    pids = {"host": status.pid, "sidecar": status.sidecars[0].pid, "client": os.getpid()}
    idle = {name: _rss_mib(pid) for name, pid in pids.items()}
    peak = dict(idle)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for name, pid in pids.items():
                peak[name] = max(peak[name], _rss_mib(pid))
            stop.wait(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    data = os.urandom(sizes.rss_file_mib * MIB)
    with store.open("rss.bin", "wb") as target:
        target.write(data)
    del data
    with store.open("rss.bin", "rb") as source:
        while source.read(CHUNK_SIZE):
            pass
    stop.set()
    sampler.join()
    store.remove("rss.bin")
    report.memory = {
        "file_mib": sizes.rss_file_mib,
        "idle_mib": idle,
        "peak_mib": peak,
        "growth_mib": {name: peak[name] - idle[name] for name in pids},
    }
    print(f"memory: {json.dumps(report.memory)}", flush=True)


# The two paths of the memory-under-load part: the name, and whether the clients may go direct.
LOAD_PATHS = (("as_called", True), ("via_host", False))
LOAD_LABELS = {"as_called": "as users call it", "via_host": f"through the host ({DIRECT_ENV}=0)"}


def _load_block(seed: bytes, index: int) -> bytes:
    """Block `index` (1 MiB) of a load client's file: its random block with the index in front,
    so no two blocks of a file are equal and a block read out of place changes the hash."""
    return index.to_bytes(8, "little") + seed[8:]


def load_worker(
    home: str, index: int, name: str, mib: int, direct: bool, start_at: float, out: Any
) -> None:
    """One client process of the memory-under-load part: writes `mib` MiB to `name` through the
    SDK proxy, then reads it back in CHUNK_SIZE pieces and checks its size and hash. Never holds
    more than one block. Puts (index, bytes moved, start, end, peak RSS MiB) or an error report."""
    try:
        os.environ["FLAVORHOST_HOME"] = home
        if direct:
            os.environ.pop(DIRECT_ENV, None)
        else:
            os.environ[DIRECT_ENV] = "0"
        with Client(Path(home), autostart=False) as client:
            store = client.active_stack.artifact_store
            store.exists("probe")  # connects (and, as users call it, takes the direct grant)
            seed = os.urandom(MIB)
            while time.time() < start_at:
                time.sleep(0.001)
            start = time.time()
            written = hashlib.blake2b()
            with store.open(name, "wb") as target:
                for block in range(mib):
                    data = _load_block(seed, block)
                    written.update(data)
                    target.write(data)
            read = hashlib.blake2b()
            size = 0
            with store.open(name, "rb") as source:
                while chunk := source.read(CHUNK_SIZE):
                    read.update(chunk)
                    size += len(chunk)
            end = time.time()
            if size != mib * MIB or read.digest() != written.digest():
                raise RuntimeError(
                    f"client {index} read back {size} bytes of {name} (wrote {mib * MIB}); "
                    f"hash {'matches' if read.digest() == written.digest() else 'DIFFERS'}"
                )
        # VmHWM, not ru_maxrss: that one keeps the bench process's peak across fork and exec.
        out.put((index, 2 * size, start, end, _rss_mib(os.getpid(), "VmHWM")))
    except BaseException:
        out.put((index, "error", traceback.format_exc()))
        raise


class RssSampler:
    """Peak VmRSS of the host and of its sidecars (summed), sampled every 10 ms in a thread."""

    def __init__(self, host_pid: int, sidecar_pids: list[int]) -> None:
        self._host_pid, self._sidecar_pids = host_pid, sidecar_pids
        self.idle = self.now()
        self.peak = dict(self.idle)
        self.lost = ""  # why sampling stopped early, if it did
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()

    def now(self) -> dict[str, float]:
        return {
            "host": _rss_mib(self._host_pid),
            "sidecar": sum(_rss_mib(pid) for pid in self._sidecar_pids),
        }

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                current = self.now()
            except OSError as error:  # a process is gone: the figures would be wrong
                self.lost = repr(error)
                return
            for name, value in current.items():
                self.peak[name] = max(self.peak[name], value)
            self._stop.wait(0.01)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def bench_memory_under_load(report: Report, sizes: Sizes, home: Path, client: Client) -> None:
    """Host and sidecar RSS while many client processes each write then read a large file:
    as users call it, then with every call forced through the host."""
    client.active_stack.artifact_store.exists("probe")  # the sidecar is up
    for label, direct in LOAD_PATHS:
        row = _memory_under_load_row(label, direct, sizes, home, client)
        report.memory_under_load.append(row)
        print(f"memory under load, {label}: {json.dumps(row)}", flush=True)


def _sidecar_pids(client: Client) -> list[int]:
    return sorted(sidecar.pid for sidecar in client.host_status().sidecars)


def _memory_under_load_row(
    label: str, direct: bool, sizes: Sizes, home: Path, client: Client
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    count, mib = sizes.load_clients, sizes.load_file_mib
    host_pid, sidecars = client.host_status().pid, _sidecar_pids(client)
    if not sidecars:
        raise RuntimeError("no sidecar is running: nothing to measure")
    sampler = RssSampler(host_pid, sidecars)
    queue = context.Queue()
    names = [f"load-{label}-{i}.bin" for i in range(count)]
    start_at = time.time() + 2.0 + 0.3 * count  # after every process has started
    workers = [
        context.Process(
            target=load_worker, args=(str(home), i, names[i], mib, direct, start_at, queue)
        )
        for i in range(count)
    ]
    try:
        for worker in workers:
            worker.start()
        results = [queue.get(timeout=1800) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
    finally:
        sampler.stop()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
    failures = [result[2] for result in results if result[1] == "error"]
    if failures:
        raise RuntimeError(f"memory under load ({label}): a client failed:\n{failures[0]}")
    if sampler.lost or _sidecar_pids(client) != sidecars or client.host_status().pid != host_pid:
        raise RuntimeError(
            f"memory under load ({label}): the host or a sidecar was replaced mid-run "
            f"({sampler.lost or 'pids changed'}); its RSS figures would be wrong"
        )
    after = sampler.now()
    store = client.active_stack.artifact_store
    for name in names:
        store.remove(name)
    wall = max(r[3] for r in results) - min(r[2] for r in results)
    idle, peak = sampler.idle, sampler.peak
    return {
        "path": label,
        "clients": count,
        "file_mib": mib,
        "host_idle_mib": idle["host"],
        "host_peak_mib": peak["host"],
        "host_growth_mib": peak["host"] - idle["host"],
        "host_after_mib": after["host"],
        "sidecar_idle_mib": idle["sidecar"],
        "sidecar_peak_mib": peak["sidecar"],
        "sidecar_growth_mib": peak["sidecar"] - idle["sidecar"],
        "sidecar_after_mib": after["sidecar"],
        "client_peak_mib": max(r[4] for r in results),
        "wall_s": wall,
        "mb_per_s": sum(r[1] for r in results) / MIB / wall,
    }


def markdown(report: Report) -> str:
    """The report as Markdown tables."""
    m = report.machine
    lines = [
        "# flavorhost benchmark",
        "",
        f"{m['date']}; {m['cpu']}, {m['cores']} cores; Python {m['python']}, grpcio "
        f"{m['grpcio']}; {m['system']}",
        "",
        "## Per-call latency (ms)",
        "",
        "| call | in process p50 | p99 | one hop p50 | p99 | proxied p50 | p99 | via host p50 "
        "| p99 | proxied / one hop | via host / one hop |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report.latency:
        cells = [row["call"]]
        for label in ("in_process", "one_hop", "proxied", "via_host"):
            cells += [f"{row[label]['p50_ms']:.3f}", f"{row[label]['p99_ms']:.3f}"]
        cells.append(f"{row['proxied_vs_one_hop_p50']:.2f}x")
        cells.append(f"{row['via_host_vs_one_hop_p50']:.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    paths = [p for p in PROXY_PATHS if report.streaming and p in report.streaming[0]]
    names = [p.replace("_", " ") if p != "node_local" else p for p in paths]
    header = ["size", "direction", "local", "one hop", *names, "proxied / local"]
    header += [f"{name} / one hop" for name in names]
    lines += [
        "",
        "## Streaming (MB/s, best of 3)",
        "",
        "; ".join(f"*{name}*: {PROXY_PATHS[p]}" for p, name in zip(paths, names, strict=True))
        + ".",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for row in report.streaming:
        for direction in ("write", "read"):
            key = f"{direction}_mb_s"
            cells = [f"{row['size_mib']} MiB", direction]
            cells += [f"{row[label][key]:.0f}" for label in ("local", "one_hop", *paths)]
            cells.append(f"{row[f'proxied_vs_local_{direction}']:.2f}x")
            cells += [f"{row[f'{label}_vs_one_hop_{direction}']:.2f}x" for label in paths]
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Concurrent client processes, one host (best of interleaved rounds)",
        "",
        "| clients | calls/s | MB/s | vs one client |",
        "| --- | --- | --- | --- |",
    ]
    for row in report.concurrency:
        lines.append(
            f"| {row['clients']} | {row['calls_per_s']:.0f} | {row['mb_per_s']:.1f} | "
            f"{row['vs_one_client']:.2f}x |"
        )
    cold = report.cold_start
    lines += [
        "",
        "## Cold start (s, median)",
        "",
        "| host start | first call (sidecar start + call) | warm call | total | sidecar alone "
        "| `import grpc` | `import grpc` + flavor | sidecar / imports |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {cold['host_start_s']:.3f} | {cold['first_call_s']:.3f} | {cold['warm_call_s']:.4f} "
        f"| {cold['total_s']:.3f} | {cold['sidecar_start_s']:.3f} | "
        f"{cold['python_import_grpc_s']:.3f} | {cold['python_import_grpc_and_flavor_s']:.3f} | "
        f"{cold['sidecar_vs_imports']:.2f}x |",
    ]
    memory = report.memory
    lines += [
        "",
        f"## Peak RSS during a {memory['file_mib']} MiB write then read (MiB)",
        "",
        "| process | idle | peak | growth |",
        "| --- | --- | --- | --- |",
    ]
    for name in ("host", "sidecar", "client"):
        lines.append(
            f"| {name} | {memory['idle_mib'][name]:.0f} | {memory['peak_mib'][name]:.0f} | "
            f"{memory['growth_mib'][name]:.0f} |"
        )
    if report.memory_under_load:
        first = report.memory_under_load[0]
        lines += [
            "",
            f"## Memory while {first['clients']} clients stream {first['file_mib']} MiB each (MiB)",
            "",
            "| path | host idle | host peak | host growth | host after | sidecar growth "
            "| client peak | MB/s | wall s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in report.memory_under_load:
            lines.append(
                f"| {LOAD_LABELS[row['path']]} | {row['host_idle_mib']:.0f} | "
                f"{row['host_peak_mib']:.0f} | {row['host_growth_mib']:.0f} | "
                f"{row['host_after_mib']:.0f} | {row['sidecar_growth_mib']:.0f} | "
                f"{row['client_peak_mib']:.0f} | {row['mb_per_s']:.0f} | {row['wall_s']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def _node_local_store(client: Client, root: Path) -> Any:
    """A node_local store on the same folder as the local one, or None without Node.js."""
    if shutil.which("node") is None:
        print("node is not installed: the node_local column is left out", flush=True)
        return None
    config = {"path": str(root)}
    client.register_component(ARTIFACT_STORE, "bench_node", "node_local", config=config)
    client.register_stack("bench_node", {ARTIFACT_STORE: "bench_node", ORCHESTRATOR: "default"})
    client.activate_stack("bench_node")
    store = client.active_stack.artifact_store
    client.activate_stack("default")
    store.exists("x")  # starts the sidecar before anything is timed
    return store


def run(sizes: Sizes, results: Path) -> Report:
    """Runs every part against a fresh home and host; writes latest.json and latest.md."""
    report = Report(machine())
    home = Path(tempfile.mkdtemp(prefix="fh-bench-", dir="/tmp"))
    os.environ["FLAVORHOST_HOME"] = str(home)
    one_hop = None
    client = Client(home)
    try:
        root = home / "local_stores" / "default"
        proxy = client.active_stack.artifact_store
        proxy.exists("x")
        os.environ[DIRECT_ENV] = "0"
        via_host = client.active_stack.artifact_store
        del os.environ[DIRECT_ENV]
        os.environ[FILE_HANDOVER_ENV] = "0"
        streamed = client.active_stack.artifact_store
        del os.environ[FILE_HANDOVER_ENV]
        one_hop = OneHop(root, home)
        bench_latency(report, sizes, root, one_hop, proxy, via_host)
        proxies = {"proxied": proxy, "streamed": streamed, "via_host": via_host}
        node_store = _node_local_store(client, root)
        if node_store is not None:
            proxies["node_local"] = node_store
        bench_streaming(report, sizes, root, one_hop, proxies)
        one_hop.close()
        one_hop = None
        bench_memory(report, sizes, client)
        bench_concurrency(report, sizes, home)
        bench_memory_under_load(report, sizes, home, client)
        client.close()
        bench_cold_start(report, sizes, home)
        client = Client(home)
    finally:
        if one_hop is not None:
            one_hop.close()
        pid = client.stop_host()
        client.close()
        wait_until_stopped(pid)
        shutil.rmtree(home, ignore_errors=True)
    results.mkdir(parents=True, exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report.__dict__, indent=2) + "\n")
    (results / "latest.md").write_text(markdown(report))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check the harness")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write latest.*")
    options = parser.parse_args()
    report = run(SMOKE if options.smoke else FULL, options.results)
    print()
    print(markdown(report))


if __name__ == "__main__":
    main()
