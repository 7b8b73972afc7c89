"""Reading a model version's model from an artifact store: what load_model_version does.

No model crosses the wire: the registry says where the model is (a URI of the artifact store)
and the caller reads it there through the artifact store proxy, as pipeline steps read their
inputs. A pipeline artifact folder is read with the materializer its `model_format` names
("json" or "pickle", as a step output records it); with no format, the file the folder holds
decides. Other formats are for the caller to read.
"""

from __future__ import annotations

from typing import Any

from flavorhost.model_registries.model_versions import RegistryModelVersion


def _materializer(store: Any, found: RegistryModelVersion, uri: str) -> str:
    from flavorhost.pipelines import materializers

    label = f"model {found.registered_model.name!r} version {found.version!r}"
    if found.model_format in materializers.FILES:
        return found.model_format
    if found.model_format:
        raise ValueError(
            f"{label} is in format {found.model_format!r}; load_model_version reads only "
            f"pipeline artifacts ({', '.join(materializers.FILES)}): read it from {uri} yourself"
        )
    for materializer, file in materializers.FILES.items():
        if store.exists(f"{uri}/{file}"):
            return materializer
    raise FileNotFoundError(
        2,
        f"{label} has no model format and {uri} holds no pipeline artifact "
        f"({' or '.join(materializers.FILES.values())}); read it yourself, or register the "
        "version with the artifact's uri and materializer as model_format",
        uri,
    )


def load_model(store: Any, found: RegistryModelVersion, uri: str) -> Any:
    """The model of `found`, read from folder `uri` of the artifact store `store`."""
    from flavorhost.models import ArtifactModel
    from flavorhost.pipelines import materializers

    uri = uri.rstrip("/")
    artifact = ArtifactModel(
        name=found.registered_model.name,
        uri=uri,
        materializer=_materializer(store, found, uri),
        data_type="",
    )
    return materializers.load(store, artifact)
