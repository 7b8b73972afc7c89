"""Checks of flavorhost.v1.Annotator (annotator.proto).

Datasets are added without options (their shape and options are the flavor's to define), named
`conformance-XXXXXXXX-...`, and deleted at the end. `Launch` starts the annotation interface of
the kit's component; with --component that is the user's component, whose interface then runs
until the component is reconfigured or its sidecar stops (Launch is a no-op when it runs).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import grpc

from flavorhost.conformance.checks import CheckFailed, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import json_value, on_threads, scratch_name
from flavorhost.generated.v1 import annotator_pb2 as pb
from flavorhost.generated.v1 import annotator_pb2_grpc

SERVICE = "flavorhost.v1.Annotator"
SUITE = Suite("annotator", service=SERVICE)
S = grpc.StatusCode
NOT_FOUND, EXISTS, INVALID = "ENTITY_NOT_FOUND", "ENTITY_EXISTS", "INVALID_ARGUMENT"
# Every method that takes a dataset, with its request class.
DATASET_METHODS: dict[str, Any] = {
    "GetUrlForDataset": pb.GetUrlForDatasetRequest,
    "GetDatasetStats": pb.GetDatasetStatsRequest,
    "GetDataset": pb.GetDatasetRequest,
    "DeleteDataset": pb.DeleteDatasetRequest,
    "GetLabeledData": pb.GetLabeledDataRequest,
    "GetUnlabeledData": pb.GetUnlabeledDataRequest,
}
WITH_OPTIONS = ("GetDataset", "DeleteDataset", "GetLabeledData", "GetUnlabeledData")


class Annotator(Service):
    """Calls of the annotator under test, and the datasets the kit added."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(probe, annotator_pb2_grpc.AnnotatorStub)
        self.prefix = f"{scratch_name()}-"

    def add(self, what: str) -> str:
        name = f"{self.prefix}{what}"
        answer = self("AddDataset", pb.AddDatasetRequest(dataset_name=name))
        json_value(answer.dataset_json, "AddDataset's dataset_json")
        return name

    def names(self) -> list[str]:
        return list(self("GetDatasetNames", pb.GetDatasetNamesRequest()).names)

    def launched(self) -> str:
        """Launches the interface (a no-op when it runs) and answers its URL."""
        self("Launch", pb.LaunchRequest())
        url: str = self("GetUrl", pb.GetUrlRequest()).url
        return url


def _annotator(probe: Probe) -> Annotator:
    annotator: Annotator = probe.state["annotator"]
    return annotator


def default_config(probe: Probe) -> dict[str, Any]:
    """The `local` flavor's shape: a fresh folder."""
    return {"path": os.path.join(probe.temp, "annotator")}


def setup(probe: Probe) -> None:
    probe.state["annotator"] = Annotator(probe)


def teardown(probe: Probe) -> None:
    annotator = probe.state.pop("annotator", None)
    if annotator is not None:
        for name in annotator.names():
            if name.startswith(annotator.prefix):
                annotator("DeleteDataset", pb.DeleteDatasetRequest(dataset_name=name))


SUITE.setup = setup
SUITE.teardown = teardown
SUITE.default_config = default_config


def _url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise CheckFailed(f"{what} is {url!r}, not a URL")


@SUITE.check("launch and url", ("Launch", "GetUrl"))
def launch(probe: Probe) -> str:
    annotator = _annotator(probe)
    url = annotator.launched()
    _url(url, "GetUrl's answer")
    annotator("Launch", pb.LaunchRequest())  # running already: a no-op
    again = annotator("GetUrl", pb.GetUrlRequest()).url
    if again != url:
        raise CheckFailed(f"a second Launch moved the interface from {url} to {again}")
    return url


@SUITE.check(
    "add, list, get and delete a dataset",
    ("AddDataset", "GetDatasetNames", "GetDatasets", "GetDataset", "DeleteDataset"),
)
def datasets(probe: Probe) -> None:
    annotator = _annotator(probe)
    before = annotator("GetDatasets", pb.GetDatasetsRequest()).datasets_json
    name = annotator.add("dataset")
    if name not in annotator.names():
        raise CheckFailed("GetDatasetNames does not list the added dataset")
    after = annotator("GetDatasets", pb.GetDatasetsRequest()).datasets_json
    if len(after) != len(before) + 1:
        raise CheckFailed(
            f"GetDatasets listed {len(before)} datasets, then {len(after)} after one was added"
        )
    for index, text in enumerate(after):
        json_value(text, f"GetDatasets' datasets_json[{index}]")
    got = annotator("GetDataset", pb.GetDatasetRequest(dataset_name=name)).dataset_json
    json_value(got, "GetDataset's dataset_json")
    annotator("DeleteDataset", pb.DeleteDatasetRequest(dataset_name=name))
    if name in annotator.names():
        raise CheckFailed("GetDatasetNames still lists the deleted dataset")
    annotator.expect(
        "GetDataset",
        pb.GetDatasetRequest(dataset_name=name),
        S.NOT_FOUND,
        NOT_FOUND,
        "of a deleted dataset",
    )


@SUITE.check(
    "stats and data of a new dataset", ("GetDatasetStats", "GetLabeledData", "GetUnlabeledData")
)
def stats(probe: Probe) -> str:
    annotator = _annotator(probe)
    name = annotator.add("stats")
    counts = annotator("GetDatasetStats", pb.GetDatasetStatsRequest(dataset_name=name))
    if counts.labeled != 0 or counts.unlabeled < 0:
        raise CheckFailed(
            f"a new dataset has {counts.labeled} labeled, {counts.unlabeled} unlabeled tasks"
        )
    for method, request in (
        ("GetLabeledData", pb.GetLabeledDataRequest(dataset_name=name)),
        ("GetUnlabeledData", pb.GetUnlabeledDataRequest(dataset_name=name)),
    ):
        json_value(annotator(method, request).data_json, f"{method}'s data_json")
    return f"0 labeled, {counts.unlabeled} unlabeled"


@SUITE.check("url for a dataset", "GetUrlForDataset")
def url_for_dataset(probe: Probe) -> str:
    annotator = _annotator(probe)
    annotator.launched()
    name = annotator.add("url")
    url: str = annotator("GetUrlForDataset", pb.GetUrlForDatasetRequest(dataset_name=name)).url
    _url(url, "GetUrlForDataset's answer")
    return url


@SUITE.check("duplicate dataset", "AddDataset")
def duplicate(probe: Probe) -> None:
    annotator = _annotator(probe)
    name = annotator.add("twice")
    annotator.expect(
        "AddDataset", pb.AddDatasetRequest(dataset_name=name), S.ALREADY_EXISTS, EXISTS
    )


@SUITE.check("missing dataset", tuple(DATASET_METHODS))
def missing(probe: Probe) -> str:
    annotator = _annotator(probe)
    annotator.launched()  # so GetUrlForDataset can only fail for the dataset
    name = scratch_name("missing")
    for method, request_class in DATASET_METHODS.items():
        annotator.expect(method, request_class(dataset_name=name), S.NOT_FOUND, NOT_FOUND)
    return f"ENTITY_NOT_FOUND from {len(DATASET_METHODS)} methods"


@SUITE.check("bad arguments", ("AddDataset", *WITH_OPTIONS))
def bad_arguments(probe: Probe) -> str:
    annotator = _annotator(probe)
    name = annotator.add("options")
    annotator.expect(
        "AddDataset", pb.AddDatasetRequest(dataset_name=""), S.INVALID_ARGUMENT, INVALID
    )
    for method in ("AddDataset", *WITH_OPTIONS):
        request_class = pb.AddDatasetRequest if method == "AddDataset" else DATASET_METHODS[method]
        target = scratch_name("new") if method == "AddDataset" else name
        for options, why in (
            ('{"conformance_no_such_option": 1}', "an unknown option"),
            ("[1, 2]", "options that are not a JSON object"),
            ("{not json", "options that are not JSON"),
        ):
            annotator.expect(
                method,
                request_class(dataset_name=target, options_json=options),
                S.INVALID_ARGUMENT,
                INVALID,
                f"with {why}",
            )
    if name not in annotator.names():
        raise CheckFailed("a refused DeleteDataset deleted the dataset")
    return "empty name, unknown option, options not a JSON object"


@SUITE.check("read-only methods are idempotent", "(NO_SIDE_EFFECTS methods)")
def idempotent(probe: Probe) -> str:
    annotator = _annotator(probe)
    annotator.launched()
    name = annotator.add("idem")
    requests = {
        "GetUrl": pb.GetUrlRequest(),
        "GetDatasets": pb.GetDatasetsRequest(),
        "GetDatasetNames": pb.GetDatasetNamesRequest(),
        **{
            method: DATASET_METHODS[method](dataset_name=name)
            for method in (
                "GetUrlForDataset",
                "GetDatasetStats",
                "GetDataset",
                "GetLabeledData",
                "GetUnlabeledData",
            )
        },
    }

    def snapshot() -> Any:
        return (
            sorted(annotator.names()),
            str(annotator("GetDatasetStats", pb.GetDatasetStatsRequest(dataset_name=name))),
        )

    return annotator.idempotent(requests, snapshot)


@SUITE.check("concurrent datasets", ("AddDataset", "DeleteDataset"))
def concurrent(probe: Probe) -> str:
    annotator = _annotator(probe)
    count = min(probe.concurrency, 16)
    names = [f"{annotator.prefix}concurrent-{i}" for i in range(count)]

    def add(index: int) -> str:
        annotator("AddDataset", pb.AddDatasetRequest(dataset_name=names[index]))
        return ""

    def delete(index: int) -> str:
        annotator("DeleteDataset", pb.DeleteDatasetRequest(dataset_name=names[index]))
        return ""

    note = on_threads(probe, count, add)
    listed = set(annotator.names())
    if not set(names) <= listed:
        raise CheckFailed(
            f"{len(set(names) - listed)} of {count} datasets added at once are not listed"
        )
    on_threads(probe, count, delete)
    if set(names) & set(annotator.names()):
        raise CheckFailed("datasets deleted at once are still listed")
    return note
