"""kill -9 the sidecar again and again, at random moments, while files are written and read.

Every file whose `with` block closed without an error must be intact; every file visible under its
name must be complete (a write the client saw fail may still have been committed just before the
kill, but never half); reads that succeed return exact bytes; and the next call always works.
The seed is printed and can be set with FLAVORHOST_FAULT_SEED to replay a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentUnavailableError
from flavorhost.proxies.artifact_store import ArtifactStoreProxy

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
KILLS = 30
# The host stops restarting a flavor after more than 5 crashes in 60 s (tested elsewhere); this
# test is about data, so it clears that history (by updating the component) every few kills.
KILLS_BETWEEN_RESETS = 4
MAX_FILE_BYTES = 3 * (1 << 20) + 12345  # up to four 1 MiB chunks


@dataclass
class Tally:
    """What happened, for the closing figures."""

    seed: int
    kills: int = 0
    writes_committed: int = 0
    writes_failed: int = 0
    failed_writes_found_complete: int = 0
    reads_verified: int = 0
    bytes_verified: int = 0
    reads_failed: int = 0
    data_lost: int = 0
    problems: list[str] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Workload:
    """A writer and a reader thread working on the store until stopped."""

    def __init__(self, store: ArtifactStoreProxy, rng: random.Random, tally: Tally) -> None:
        self.store = store
        self.tally = tally
        self.intended: dict[str, str] = {}  # every name ever written -> digest of its bytes
        self.committed: dict[str, str] = {}  # names whose write closed without an error
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._seeds = [rng.randrange(1 << 30) for _ in range(2)]
        self._threads = [
            threading.Thread(target=self._guarded, args=(self._write, self._seeds[0])),
            threading.Thread(target=self._guarded, args=(self._read, self._seeds[1])),
        ]

    def __enter__(self) -> Workload:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a worker hung"

    def _guarded(self, work: Callable[[random.Random], None], seed: int) -> None:
        """Runs a worker; any error it did not expect fails the test, with its traceback."""
        try:
            work(random.Random(seed))
        except BaseException:
            self.tally.problems.append(
                f"{work.__name__} failed at {time.monotonic():.3f}:\n{traceback.format_exc()}"
            )

    def _write(self, rng: random.Random) -> None:
        index = 0
        while not self._stop.is_set():
            index += 1
            name = f"file-{index:04d}.bin"
            data = rng.randbytes(rng.randrange(MAX_FILE_BYTES))
            with self._lock:
                self.intended[name] = _digest(data)
            try:
                with self.store.open(name, "wb") as file:
                    for offset in range(0, len(data), 700_000):  # several writes per file
                        file.write(data[offset : offset + 700_000])
            except ComponentUnavailableError:
                self.tally.writes_failed += 1
                continue
            with self._lock:
                self.committed[name] = self.intended[name]
            self.tally.writes_committed += 1

    def _read(self, rng: random.Random) -> None:
        while not self._stop.is_set():
            with self._lock:
                names = sorted(self.committed)
            if not names:
                self._stop.wait(0.01)
                continue
            name = rng.choice(names)
            try:
                with self.store.open(name, "rb") as file:
                    data = file.read()
            except ComponentUnavailableError:
                self.tally.reads_failed += 1
                continue
            if _digest(data) != self.committed[name]:
                self.tally.data_lost += 1
                self.tally.problems.append(f"read of {name} returned other bytes")
            else:
                self.tally.reads_verified += 1
                self.tally.bytes_verified += len(data)


def _sidecar_pid(client: Client) -> int | None:
    sidecars = [s for s in client.host_status().sidecars if s.state == "running"]
    return sidecars[0].pid if sidecars else None


def _check_store(workload: Workload, tally: Tally) -> None:
    """Committed files intact; whatever is visible is complete; no temporary names listed."""
    store = workload.store
    visible = set(store.listdir("."))
    for name in sorted(visible):
        if name not in workload.intended:
            tally.problems.append(f"unexpected name {name!r} listed")
            continue
        with store.open(name, "rb") as file:
            digest = _digest(file.read())
        if digest != workload.intended[name]:
            tally.data_lost += 1
            tally.problems.append(f"{name} is visible but not the complete file")
        elif name not in workload.committed:
            tally.failed_writes_found_complete += 1
    for name in workload.committed:
        if name not in visible:
            tally.data_lost += 1
            tally.problems.append(f"committed {name} is missing")


def test_repeated_random_kills_lose_no_data(client: Client, tmp_path: Path, file_path: str) -> None:
    seed = int(os.environ.get("FLAVORHOST_FAULT_SEED") or random.SystemRandom().randrange(10**6))
    print(f"FLAVORHOST_FAULT_SEED={seed}")
    rng = random.Random(seed)
    tally = Tally(seed)
    store = client.active_stack.artifact_store
    assert store.exists(".")
    with Workload(store, rng, tally) as workload:
        for kill in range(KILLS):
            time.sleep(rng.uniform(0.05, 0.6))  # let the workers get some way into their streams
            pid = _sidecar_pid(client)
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                tally.kills += 1
            assert store.exists("."), "the next call after a kill must succeed"
            if (kill + 1) % KILLS_BETWEEN_RESETS == 0:
                client.update_component(ARTIFACT_STORE, "default", config={"path": store.path})
    _check_store(workload, tally)
    summary = json.dumps(asdict(tally))
    print(f"random kills: {summary}")
    (tmp_path / "random-kills.json").write_text(summary)
    assert tally.problems == [] and tally.data_lost == 0, summary
    assert tally.kills >= KILLS - 2, summary  # a kill can only miss while a restart is under way
    assert tally.writes_committed > 0 and tally.reads_verified > 0, summary
