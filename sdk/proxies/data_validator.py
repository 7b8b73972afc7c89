"""`DataValidatorProxy`: the BaseDataValidator interface, served by a sidecar.

Datasets go to the sidecar as CSV (see `flavorhost.data_validators.tabular_data`): pass a pandas
DataFrame, a list of row dicts, CSV bytes or the path of a CSV file. Results come back as the
JSON-like values (dicts, lists) the flavor returned.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from flavorhost import json_payloads
from flavorhost.data_validators.tabular_data import to_csv
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import data_validator_pb2 as pb
from flavorhost.generated.v1 import data_validator_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy

OPTIONS = "data validator options (keyword arguments)"


class DataValidatorProxy(ComponentProxy):
    """A data validator component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.DATA_VALIDATOR
    PROTO = pb.DESCRIPTOR
    SERVICE = "DataValidator"
    STUB = data_validator_pb2_grpc.DataValidatorStub

    def data_profiling(
        self,
        dataset: Any,
        comparison_dataset: Any | None = None,
        profile_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A profile of `dataset`, optionally against `comparison_dataset`."""
        request = pb.DataProfilingRequest(
            dataset=_table(dataset, "dataset"),
            comparison_dataset=_optional_table(comparison_dataset),
            profile_list=_names(profile_list, "profile_list"),
            options_json=json_payloads.encode(kwargs or None, OPTIONS),
        )
        return json.loads(self._call("DataProfiling", request).profile_json)

    def data_validation(
        self,
        dataset: Any,
        comparison_dataset: Any | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The results of data checks on `dataset`, optionally against `comparison_dataset`."""
        request = pb.DataValidationRequest(
            dataset=_table(dataset, "dataset"),
            comparison_dataset=_optional_table(comparison_dataset),
            check_list=_names(check_list, "check_list"),
            options_json=json_payloads.encode(kwargs or None, OPTIONS),
        )
        return json.loads(self._call("DataValidation", request).result_json)

    def model_validation(
        self,
        dataset: Any,
        model: Any,
        comparison_dataset: Any | None = None,
        check_list: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The results of model checks on `dataset`. `model` is where the sidecar reads the
        model from (a URI or path): an in-memory model cannot cross to it."""
        if not isinstance(model, str | os.PathLike):
            raise TypeError(
                f"model must be the URI or path the data validator reads it from, not a "
                f"{type(model).__name__}: save the model (e.g. in the stack's artifact store) "
                "and pass its path"
            )
        request = pb.ModelValidationRequest(
            dataset=_table(dataset, "dataset"),
            model_uri=os.fspath(model),
            comparison_dataset=_optional_table(comparison_dataset),
            check_list=_names(check_list, "check_list"),
            options_json=json_payloads.encode(kwargs or None, OPTIONS),
        )
        return json.loads(self._call("ModelValidation", request).result_json)


def _table(value: Any, what: str) -> pb.TabularData:
    return pb.TabularData(csv=to_csv(value, what))


def _optional_table(value: Any | None) -> pb.TabularData | None:
    return None if value is None else _table(value, "comparison_dataset")


def _names(names: Sequence[str] | None, what: str) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"{what} must be a list of names, e.g. [{names!r}]")
    return list(names)
