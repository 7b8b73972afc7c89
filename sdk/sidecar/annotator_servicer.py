"""Serves a BaseAnnotator implementation as the flavorhost.v1.Annotator gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors, json_payloads
from flavorhost.annotators.base_annotator import BaseAnnotator
from flavorhost.generated.v1 import annotator_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.Annotator"


def _name(dataset_name: str) -> str:
    if not dataset_name:
        raise ValueError("dataset_name is empty: name the dataset, e.g. dataset_name='images'")
    return dataset_name


def _options(text: str) -> dict[str, Any]:
    options = json_payloads.decode_object(text, "the dataset options (keyword arguments)")
    if "dataset_name" in options:
        raise ValueError("dataset_name goes in its own field, not among the options")
    return options


class AnnotatorServicer:
    """One servicer for every annotator component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _annotator(self, context: grpc.ServicerContext) -> BaseAnnotator:
        annotator: BaseAnnotator = self._table.for_call(context)
        return annotator

    @errors.servicer_errors
    def GetUrl(self, request: pb.GetUrlRequest, context: Any) -> pb.GetUrlResponse:
        return pb.GetUrlResponse(url=self._annotator(context).get_url())

    @errors.servicer_errors
    def GetUrlForDataset(
        self, request: pb.GetUrlForDatasetRequest, context: Any
    ) -> pb.GetUrlForDatasetResponse:
        annotator = self._annotator(context)
        url = annotator.get_url_for_dataset(_name(request.dataset_name))
        return pb.GetUrlForDatasetResponse(url=url)

    @errors.servicer_errors
    def GetDatasets(self, request: pb.GetDatasetsRequest, context: Any) -> pb.GetDatasetsResponse:
        datasets = self._annotator(context).get_datasets()
        encoded = [json_payloads.encode_result(d, "get_datasets") for d in datasets]
        return pb.GetDatasetsResponse(datasets_json=encoded)

    @errors.servicer_errors
    def GetDatasetNames(
        self, request: pb.GetDatasetNamesRequest, context: Any
    ) -> pb.GetDatasetNamesResponse:
        names = self._annotator(context).get_dataset_names()
        return pb.GetDatasetNamesResponse(names=[str(name) for name in names])

    @errors.servicer_errors
    def GetDatasetStats(
        self, request: pb.GetDatasetStatsRequest, context: Any
    ) -> pb.GetDatasetStatsResponse:
        annotator = self._annotator(context)
        labeled, unlabeled = annotator.get_dataset_stats(_name(request.dataset_name))
        return pb.GetDatasetStatsResponse(labeled=labeled, unlabeled=unlabeled)

    @errors.servicer_errors
    def Launch(self, request: pb.LaunchRequest, context: Any) -> pb.LaunchResponse:
        self._annotator(context).launch(request.url or None)
        return pb.LaunchResponse()

    @errors.servicer_errors
    def AddDataset(self, request: pb.AddDatasetRequest, context: Any) -> pb.AddDatasetResponse:
        annotator = self._annotator(context)
        dataset = annotator.add_dataset(
            _name(request.dataset_name), **_options(request.options_json)
        )
        return pb.AddDatasetResponse(
            dataset_json=json_payloads.encode_result(dataset, "add_dataset")
        )

    @errors.servicer_errors
    def GetDataset(self, request: pb.GetDatasetRequest, context: Any) -> pb.GetDatasetResponse:
        annotator = self._annotator(context)
        options = _options(request.options_json)
        dataset = annotator.get_dataset(_name(request.dataset_name), **options)
        return pb.GetDatasetResponse(
            dataset_json=json_payloads.encode_result(dataset, "get_dataset")
        )

    @errors.servicer_errors
    def DeleteDataset(
        self, request: pb.DeleteDatasetRequest, context: Any
    ) -> pb.DeleteDatasetResponse:
        annotator = self._annotator(context)
        annotator.delete_dataset(_name(request.dataset_name), **_options(request.options_json))
        return pb.DeleteDatasetResponse()

    @errors.servicer_errors
    def GetLabeledData(
        self, request: pb.GetLabeledDataRequest, context: Any
    ) -> pb.GetLabeledDataResponse:
        annotator = self._annotator(context)
        data = annotator.get_labeled_data(
            _name(request.dataset_name), **_options(request.options_json)
        )
        return pb.GetLabeledDataResponse(
            data_json=json_payloads.encode_result(data, "get_labeled_data")
        )

    @errors.servicer_errors
    def GetUnlabeledData(
        self, request: pb.GetUnlabeledDataRequest, context: Any
    ) -> pb.GetUnlabeledDataResponse:
        annotator = self._annotator(context)
        data = annotator.get_unlabeled_data(
            _name(request.dataset_name), **_options(request.options_json)
        )
        return pb.GetUnlabeledDataResponse(
            data_json=json_payloads.encode_result(data, "get_unlabeled_data")
        )


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(server, AnnotatorServicer(table), pb.DESCRIPTOR.services_by_name["Annotator"])
    return SERVICE_NAME
