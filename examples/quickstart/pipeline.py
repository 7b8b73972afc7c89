"""A 'pipeline' process: writes and reads an artifact through the active stack's artifact store.

Run by run.py after the stack is registered; any Python process can do the same.
"""

import json
import os

from flavorhost import Client

client = Client()
stack = client.active_stack
store = stack.artifact_store
print(f"pipeline process {os.getpid()}: active stack {stack.name!r}, artifact store {store!r}")
print(f"  store path {store.path}, config {dict(store.config)}")

artifact = f"{store.path}/runs/1/metrics.json"
store.makedirs(f"{store.path}/runs/1")
with store.open(artifact, "w") as f:
    json.dump({"accuracy": 0.93, "loss": 0.21}, f)
with store.open(artifact) as f:
    print(f"  read back {artifact}: {json.load(f)}")
print(f"  listdir: {store.listdir(store.path + '/runs/1')}, size: {store.size(artifact)} bytes")
print(f"  walk: {list(store.walk(store.path))}")

status = client.host_status()
sidecar = next(s for s in status.sidecars if store.name in s.components)
print("which process served each call:")
print(f"  pipeline (this process)  pid {os.getpid()}: the SDK proxy, no implementation imported")
print(f"  host                     pid {status.pid}: {status.address}, forwarded every call")
print(
    f"  sidecar                  pid {sidecar.pid}: flavor {sidecar.flavor!r} ran "
    f"open/exists/listdir/... for {sidecar.components}; its log: {sidecar.log_path}"
)
import sys  # noqa: E402

assert "flavors.file_url_store" not in sys.modules, "the implementation ran in this process"
