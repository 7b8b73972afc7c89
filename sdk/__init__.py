"""flavorhost: ZenML-style stack component flavors, each run as a gRPC sidecar behind a host.

Flavor authors import the light abstractions (`flavorhost.stack`, `flavorhost.artifact_stores`,
`flavorhost.enums`); pipeline code uses `Client`, imported lazily so that a flavor module that
only needs the base classes does not pay for gRPC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from flavorhost.client import Client
    from flavorhost.pipelines import pipeline, step

__all__ = ["Client", "__version__", "pipeline", "step"]


def __getattr__(name: str) -> Any:
    if name == "Client":
        from flavorhost.client import Client

        return Client
    if name in ("pipeline", "step"):
        from flavorhost import pipelines

        return getattr(pipelines, name)
    raise AttributeError(f"module 'flavorhost' has no attribute {name!r}")
