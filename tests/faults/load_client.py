"""One client process of the load test (test_load.py): mixed calls on its own folder, checking
every byte it reads back. Prints one JSON line with its tally."""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
import traceback
from pathlib import Path

from flavorhost import Client


def content(client: int, name: str, version: int) -> bytes:
    """The bytes this client writes to `name` the `version`-th time: unique to the client, the
    file and the version, so a read that returned anyone else's bytes is caught."""
    seed = hashlib.sha256(f"{client}/{name}/{version}".encode()).digest()
    size = int.from_bytes(seed[:2], "big") % (96 * 1024) + 1
    return (seed * (size // len(seed) + 1))[:size]


def main() -> None:
    home, index, calls, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    rng = random.Random(index)
    tally: dict[str, object] = {"client": index, "calls": 0, "bytes_verified": 0, "errors": []}
    errors: list[str] = []
    with Client(Path(home), autostart=False) as client:
        store = client.active_stack.artifact_store
        folder = f"load-{index}"
        versions: dict[str, int] = {}
        deadline = time.monotonic() + 120
        while not go.exists():  # start together with the other clients
            if time.monotonic() > deadline:
                raise SystemExit("no go signal")
            time.sleep(0.01)
        store.makedirs(folder)
        start = time.perf_counter()
        for _ in range(calls):
            name = f"f{rng.randrange(12)}"
            path = f"{folder}/{name}"
            kind = rng.randrange(6)
            try:
                if kind == 0 or (kind == 1 and name not in versions):
                    version = versions.get(name, 0) + 1
                    with store.open(path, "wb") as file:
                        file.write(content(index, name, version))
                    versions[name] = version
                elif kind == 1:
                    with store.open(path, "rb") as file:
                        data = file.read()
                    if data != content(index, name, versions[name]):
                        errors.append(f"{path}: read other bytes than written")
                    tally["bytes_verified"] = int(str(tally["bytes_verified"])) + len(data)
                elif kind == 2:
                    if store.exists(path) != (name in versions):
                        errors.append(f"{path}: exists disagrees")
                elif kind == 3:
                    if sorted(store.listdir(folder)) != sorted(versions):
                        errors.append(f"{folder}: listdir disagrees")
                elif kind == 4 and name in versions:
                    if store.size(path) != len(content(index, name, versions[name])):
                        errors.append(f"{path}: size disagrees")
                elif name in versions:
                    store.remove(path)
                    del versions[name]
                else:
                    store.isdir(folder)
            except Exception:
                errors.append(traceback.format_exc(limit=3))
            tally["calls"] = int(str(tally["calls"])) + 1
        tally["seconds"] = time.perf_counter() - start
    tally["errors"] = errors[:5]
    tally["error_count"] = len(errors)
    print(json.dumps(tally), flush=True)


if __name__ == "__main__":
    main()
