"""Serves a BaseDataValidator implementation as the flavorhost.v1.DataValidator gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors, json_payloads
from flavorhost.data_validators.base_data_validator import BaseDataValidator
from flavorhost.data_validators.tabular_data import TabularData
from flavorhost.generated.v1 import data_validator_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.DataValidator"


def _datasets(request: Any) -> tuple[TabularData, TabularData | None]:
    """The request's dataset and comparison dataset, read from their CSV."""
    if not request.HasField("dataset"):
        raise ValueError("dataset is missing: every call checks a dataset")
    dataset = TabularData(request.dataset.csv, "dataset")
    comparison = None
    if request.HasField("comparison_dataset"):
        comparison = TabularData(request.comparison_dataset.csv, "comparison_dataset")
    return dataset, comparison


# The parameters the request's own fields fill; keyword arguments must not name them again.
_NAMED = {"dataset", "comparison_dataset", "model", "profile_list", "check_list"}


def _options(text: str) -> dict[str, Any]:
    options = json_payloads.decode_object(text, "the keyword arguments")
    doubled = sorted(_NAMED & set(options))
    if doubled:
        raise ValueError(f"{', '.join(doubled)} go in their own fields, not among the options")
    return options


class DataValidatorServicer:
    """One servicer for every data validator component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _validator(self, context: grpc.ServicerContext) -> BaseDataValidator:
        validator: BaseDataValidator = self._table.for_call(context)
        return validator

    @errors.servicer_errors
    def DataProfiling(
        self, request: pb.DataProfilingRequest, context: Any
    ) -> pb.DataProfilingResponse:
        validator = self._validator(context)
        dataset, comparison = _datasets(request)
        profile = validator.data_profiling(
            dataset,
            comparison,
            list(request.profile_list) or None,
            **_options(request.options_json),
        )
        return pb.DataProfilingResponse(
            profile_json=json_payloads.encode_result(profile, "data_profiling")
        )

    @errors.servicer_errors
    def DataValidation(
        self, request: pb.DataValidationRequest, context: Any
    ) -> pb.DataValidationResponse:
        validator = self._validator(context)
        dataset, comparison = _datasets(request)
        result = validator.data_validation(
            dataset,
            comparison,
            list(request.check_list) or None,
            **_options(request.options_json),
        )
        return pb.DataValidationResponse(
            result_json=json_payloads.encode_result(result, "data_validation")
        )

    @errors.servicer_errors
    def ModelValidation(
        self, request: pb.ModelValidationRequest, context: Any
    ) -> pb.ModelValidationResponse:
        validator = self._validator(context)
        dataset, comparison = _datasets(request)
        result = validator.model_validation(
            dataset,
            request.model_uri,
            comparison,
            list(request.check_list) or None,
            **_options(request.options_json),
        )
        return pb.ModelValidationResponse(
            result_json=json_payloads.encode_result(result, "model_validation")
        )


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    descriptor = pb.DESCRIPTOR.services_by_name["DataValidator"]
    add_servicer(server, DataValidatorServicer(table), descriptor)
    return SERVICE_NAME
