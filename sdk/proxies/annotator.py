"""`AnnotatorProxy`: the BaseAnnotator interface, served by a sidecar."""

from __future__ import annotations

import json
from typing import Any

from flavorhost import json_payloads
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import annotator_pb2 as pb
from flavorhost.generated.v1 import annotator_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy

OPTIONS = "annotator options (keyword arguments)"


class AnnotatorProxy(ComponentProxy):
    """An annotator component, as pipeline code uses it, served by its sidecar.

    Datasets and data come back as the JSON-like values (dicts, lists) the flavor returned.
    """

    TYPE = StackComponentType.ANNOTATOR
    PROTO = pb.DESCRIPTOR
    SERVICE = "Annotator"
    STUB = annotator_pb2_grpc.AnnotatorStub

    def get_url(self) -> str:
        """The URL of the annotation interface."""
        return str(self._call("GetUrl", pb.GetUrlRequest()).url)

    def get_url_for_dataset(self, dataset_name: str) -> str:
        """The URL of the annotation interface for one dataset."""
        request = pb.GetUrlForDatasetRequest(dataset_name=dataset_name)
        return str(self._call("GetUrlForDataset", request).url)

    def get_datasets(self) -> list[Any]:
        """The datasets available for annotation."""
        reply = self._call("GetDatasets", pb.GetDatasetsRequest())
        return [json.loads(text) for text in reply.datasets_json]

    def get_dataset_names(self) -> list[str]:
        """The names of the datasets available for annotation."""
        return list(self._call("GetDatasetNames", pb.GetDatasetNamesRequest()).names)

    def get_dataset_stats(self, dataset_name: str) -> tuple[int, int]:
        """(labeled, unlabeled) task counts of a dataset."""
        reply = self._call("GetDatasetStats", pb.GetDatasetStatsRequest(dataset_name=dataset_name))
        return int(reply.labeled), int(reply.unlabeled)

    def launch(self, url: str | None = None) -> None:
        """Starts the annotation interface in the sidecar; `get_url()` says where it is."""
        self._call("Launch", pb.LaunchRequest(url=url or ""))

    def add_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """Registers a dataset for annotation (`kwargs`: the flavor's options); returns it."""
        request = pb.AddDatasetRequest(dataset_name=dataset_name, options_json=_options(kwargs))
        return json.loads(self._call("AddDataset", request).dataset_json)

    def get_dataset(self, dataset_name: str, **kwargs: Any) -> Any:
        """One dataset."""
        request = pb.GetDatasetRequest(dataset_name=dataset_name, options_json=_options(kwargs))
        return json.loads(self._call("GetDataset", request).dataset_json)

    def delete_dataset(self, dataset_name: str, **kwargs: Any) -> None:
        """Deletes a dataset and its tasks."""
        request = pb.DeleteDatasetRequest(dataset_name=dataset_name, options_json=_options(kwargs))
        self._call("DeleteDataset", request)

    def get_labeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset's labeled tasks."""
        request = pb.GetLabeledDataRequest(dataset_name=dataset_name, options_json=_options(kwargs))
        return json.loads(self._call("GetLabeledData", request).data_json)

    def get_unlabeled_data(self, dataset_name: str, **kwargs: Any) -> Any:
        """The dataset's tasks that have no label yet."""
        request = pb.GetUnlabeledDataRequest(
            dataset_name=dataset_name, options_json=_options(kwargs)
        )
        return json.loads(self._call("GetUnlabeledData", request).data_json)


def _options(kwargs: dict[str, Any]) -> str:
    return json_payloads.encode(kwargs or None, OPTIONS)
