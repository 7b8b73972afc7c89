"""Serves a BaseAlerter implementation as the flavorhost.v1.Alerter gRPC service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors, json_payloads
from flavorhost.alerters.base_alerter import BaseAlerter, BaseAlerterStepParameters
from flavorhost.generated.v1 import alerter_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.Alerter"


class AlerterServicer:
    """One servicer for every alerter component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _alerter(self, context: grpc.ServicerContext) -> BaseAlerter:
        alerter: BaseAlerter = self._table.for_call(context)
        return alerter

    @staticmethod
    def _params(alerter: BaseAlerter, text: str) -> BaseAlerterStepParameters | None:
        return json_payloads.decode(type(alerter).PARAMETERS_CLASS, text, "alerter parameters")

    @errors.servicer_errors
    def Post(self, request: pb.PostRequest, context: Any) -> pb.PostResponse:
        alerter = self._alerter(context)
        params = self._params(alerter, request.params_json)
        return pb.PostResponse(delivered=bool(alerter.post(request.message, params)))

    @errors.servicer_errors
    def Ask(self, request: pb.AskRequest, context: Any) -> pb.AskResponse:
        alerter = self._alerter(context)
        params = self._params(alerter, request.params_json)
        return pb.AskResponse(approved=bool(alerter.ask(request.question, params)))


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    add_servicer(server, AlerterServicer(table), pb.DESCRIPTOR.services_by_name["Alerter"])
    return SERVICE_NAME
