"""Checks of flavorhost.v1.DataValidator (data_validator.proto).

Results are the flavor's shape, so the checks hold them only to being JSON text; a method the
flavor does not offer must answer UNIMPLEMENTED/NOT_IMPLEMENTED, which passes. The kit has no
model in any flavor's format: ModelValidation passes on NOT_IMPLEMENTED or a JSON answer, and
SKIPs when the flavor refuses the kit's (missing) model.
"""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite, describe
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service, no_side_effect_methods
from flavorhost.conformance.support import json_value, on_threads, scratch_name
from flavorhost.errors import error_info
from flavorhost.generated.v1 import data_validator_pb2 as pb
from flavorhost.generated.v1 import data_validator_pb2_grpc

SERVICE = "flavorhost.v1.DataValidator"
SUITE = Suite("data_validator", service=SERVICE)
S = grpc.StatusCode
INVALID = "INVALID_ARGUMENT"
DATASET = b'id,amount,city\r\n1,10.5,Oslo\r\n2,11,"Bergen, Norway"\r\n3,,"say ""hi"""\r\n'
COMPARISON = b"id,amount,city\n1,12,Oslo\n2,13.5,Bergen\n"
# Per method: its request class, the field of its name list and of its answer.
METHODS: dict[str, tuple[Any, str, str]] = {
    "DataProfiling": (pb.DataProfilingRequest, "profile_list", "profile_json"),
    "DataValidation": (pb.DataValidationRequest, "check_list", "result_json"),
    "ModelValidation": (pb.ModelValidationRequest, "check_list", "result_json"),
}
# Not a model: no flavor can load it, so the kit never sends one that could run.
NO_MODEL = "conformance-no-model"


class Validator(Service):
    """Calls of the data validator under test, and which methods it offers."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, data_validator_pb2_grpc.DataValidatorStub)
        self.offered: dict[str, bool] = {}

    def request(self, method: str, csv: bytes = DATASET, **fields: Any) -> Any:
        request_class = METHODS[method][0]
        if method == "ModelValidation":
            fields.setdefault("model_uri", NO_MODEL)
        return request_class(dataset=pb.TabularData(csv=csv), **fields)

    def answer(self, method: str, request: Any) -> Any | None:
        """The JSON answer, or None when the flavor does not offer the method."""
        try:
            reply = self.raw(method, request)
        except grpc.RpcError as error:
            info = error_info(error)
            code = error.code() if isinstance(error, grpc.Call) else None
            if code == S.UNIMPLEMENTED and info is not None and info.reason == "NOT_IMPLEMENTED":
                self.offered[method] = False
                return None
            raise CheckFailed(f"{method} failed: {describe(error)}") from error
        self.offered[method] = True
        return json_value(getattr(reply, METHODS[method][2]), f"{method}'s answer")

    def implemented(self) -> list[str]:
        """The data methods the flavor offers (found out by calling them)."""
        for method in ("DataProfiling", "DataValidation"):
            if method not in self.offered:
                self.answer(method, self.request(method))
        return [m for m in ("DataProfiling", "DataValidation") if self.offered[m]]


def _validator(probe: Probe) -> Validator:
    validator: Validator = probe.state["data_validator"]
    return validator


def default_config(probe: Probe) -> dict[str, Any]:
    """Nothing: a data validator's settings have defaults (thresholds and the like)."""
    return {}


def setup(probe: Probe) -> None:
    probe.state["data_validator"] = Validator(probe)


SUITE.setup = setup
SUITE.default_config = default_config


def _data_method(probe: Probe, method: str) -> str:
    validator = _validator(probe)
    alone = validator.answer(method, validator.request(method))
    if alone is None:
        return "UNIMPLEMENTED/NOT_IMPLEMENTED: the flavor does not offer it (allowed)"
    compared = validator.answer(
        method, validator.request(method, comparison_dataset=pb.TabularData(csv=COMPARISON))
    )
    if compared is None:
        raise CheckFailed(f"{method} answered alone, then NOT_IMPLEMENTED with a comparison")
    return "JSON answers with and without a comparison dataset"


@SUITE.check("data profiling", "DataProfiling")
def profiling(probe: Probe) -> str:
    return _data_method(probe, "DataProfiling")


@SUITE.check("data validation", "DataValidation")
def validation(probe: Probe) -> str:
    return _data_method(probe, "DataValidation")


@SUITE.check("model validation", "ModelValidation")
def model_validation(probe: Probe) -> str:
    validator = _validator(probe)
    try:
        answer = validator.answer("ModelValidation", validator.request("ModelValidation"))
    except CheckFailed as failure:
        raise Skip(
            f"the kit has no model in this flavor's format; with model_uri {NO_MODEL!r}: {failure}"
        ) from None
    if answer is None:
        return "UNIMPLEMENTED/NOT_IMPLEMENTED: the flavor does not offer it (allowed)"
    return "a JSON answer"


@SUITE.check("malformed tables", ("DataProfiling", "DataValidation"))
def malformed(probe: Probe) -> str:
    validator = _validator(probe)
    methods = validator.implemented()
    if not methods:
        raise Skip("the flavor offers neither DataProfiling nor DataValidation")
    cases = [
        (b"a,b\n1,2,3\n", "a row longer than the header"),
        (b"a,b\n1\n", "a row shorter than the header"),
        (b"a,a\n1,2\n", "a column named twice"),
        (b"a,\n1,2\n", "a column without a name"),
        (b"", "no header row"),
        (b"a,b\n\xff\xfe,1\n", "text that is not UTF-8"),
    ]
    for method in methods:
        for csv, why in cases:
            validator.expect(
                method, validator.request(method, csv), S.INVALID_ARGUMENT, INVALID, f"with {why}"
            )
        validator.expect(
            method,
            METHODS[method][0](),
            S.INVALID_ARGUMENT,
            INVALID,
            "without a dataset",
        )
    return f"{len(cases) + 1} bad tables refused by {', '.join(methods)}"


@SUITE.check("unknown names and options", ("DataProfiling", "DataValidation"))
def unknown(probe: Probe) -> str:
    validator = _validator(probe)
    methods = validator.implemented()
    if not methods:
        raise Skip("the flavor offers neither DataProfiling nor DataValidation")
    unknown_name = scratch_name("check").replace("-", "_")
    for method in methods:
        names_field = METHODS[method][1]
        validator.expect(
            method,
            validator.request(method, DATASET, **{names_field: [unknown_name]}),
            S.INVALID_ARGUMENT,
            INVALID,
            f"with an unknown {names_field} entry",
        )
        for options, why in (
            ('{"conformance_no_such_option": 1}', "an unknown option"),
            ("[1]", "options that are not a JSON object"),
        ):
            validator.expect(
                method,
                validator.request(method, options_json=options),
                S.INVALID_ARGUMENT,
                INVALID,
                f"with {why}",
            )
    return f"refused by {', '.join(methods)}"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    validator = _validator(probe)
    methods = validator.implemented()
    if not methods:
        raise Skip("the flavor offers neither DataProfiling nor DataValidation")
    read_only = no_side_effect_methods(validator.descriptor)
    unknown = [m for m in read_only if m not in METHODS]
    if unknown:
        raise CheckFailed(f"the kit has no request for NO_SIDE_EFFECTS methods {unknown}")
    requests = {m: validator.request(m) for m in read_only}
    for method in read_only:
        if method not in methods:
            # Not offered (or, for ModelValidation, no model the kit could give): the same
            # refusal twice is all that can be asked; the failure is the answer compared.
            requests.pop(method)
    done: list[str] = []
    for method, request in requests.items():
        first, second = (validator.answer(method, request) for _ in range(2))
        if first != second:
            raise CheckFailed(f"{method} answered differently the second time")
        done.append(method)
    return f"{', '.join(done)} (the others are not offered, or need a model the kit lacks)"


@SUITE.check("concurrent calls", ("DataProfiling", "DataValidation"))
def concurrent(probe: Probe) -> str:
    validator = _validator(probe)
    methods = validator.implemented()
    if not methods:
        raise Skip("the flavor offers neither DataProfiling nor DataValidation")
    tables = [b"x,y\n" + b"".join(b"%d,%d\n" % (i, j) for j in range(i + 1)) for i in range(8)]
    expected = {
        (m, i): validator.answer(m, validator.request(m, csv))
        for m in methods
        for i, csv in enumerate(tables)
    }

    def one(index: int) -> str:
        method = methods[index % len(methods)]
        table = index % len(tables)
        got = validator.answer(method, validator.request(method, tables[table]))
        return "" if got == expected[method, table] else f"{method} of table {table} differs"

    return on_threads(probe, probe.concurrency, one)
