"""Load: 16 client processes, 1,000 mixed calls each, through one host: no errors, no cross-talk
(each client checks every byte it reads against what it wrote), and the host's memory stays
bounded."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from flavorhost import Client
from tests.conftest import REPO

CLIENTS = 16
CALLS = 1000
# The host holds at most a few 1 MiB messages per call in flight; 16 concurrent calls should
# stay well under this above the warmed-up host (measured: a few MiB).
MEMORY_BOUND_MIB = 64


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no RSS for pid {pid}")


def test_sixteen_clients_through_one_host(client: Client, home: Path, tmp_path: Path) -> None:
    store = client.active_stack.artifact_store
    assert store.exists(".")
    host = client.host_status().pid
    go = tmp_path / "go"
    clients = [
        subprocess.Popen(
            [
                sys.executable,
                str(REPO / "tests" / "faults" / "load_client.py"),
                str(home),
                str(index),
                str(CALLS),
                str(go),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(CLIENTS)
    ]
    baseline = _rss_mib(host)
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            samples.append(_rss_mib(host))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        go.write_text("")
        outputs = [process.communicate(timeout=600)[0] for process in clients]
    finally:
        done.set()
        sampler.join(timeout=10)
        for process in clients:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    tallies = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    errors = [error for tally in tallies for error in tally["errors"]]
    calls = sum(tally["calls"] for tally in tallies)
    wall = max(tally["seconds"] for tally in tallies)
    peak = max(samples, default=baseline)
    summary = {
        "clients": CLIENTS,
        "calls": calls,
        "errors": sum(tally["error_count"] for tally in tallies),
        "bytes_verified": sum(tally["bytes_verified"] for tally in tallies),
        "calls_per_s": round(calls / wall),
        "host_rss_mib": {"before": round(baseline, 1), "peak": round(peak, 1)},
    }
    print(f"load: {json.dumps(summary)}")
    (tmp_path / "load.json").write_text(json.dumps(summary))
    assert errors == [], errors
    assert calls == CLIENTS * CALLS
    assert peak - baseline < MEMORY_BOUND_MIB, summary
    assert store.exists(".")  # and the host still serves
