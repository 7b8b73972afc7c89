"""`AlerterProxy`: the BaseAlerter interface, served by a sidecar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from flavorhost import json_payloads
from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import alerter_pb2 as pb
from flavorhost.generated.v1 import alerter_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy

Params = BaseModel | Mapping[str, Any] | None


class AlerterProxy(ComponentProxy):
    """An alerter component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.ALERTER
    PROTO = pb.DESCRIPTOR
    SERVICE = "Alerter"
    STUB = alerter_pb2_grpc.AlerterStub

    def post(self, message: str, params: Params = None) -> bool:
        """Posts a message; True if it was delivered. `params`: the flavor's step parameters
        (a model or a dict of its fields)."""
        request = pb.PostRequest(
            message=message, params_json=json_payloads.encode(params, "alerter parameters")
        )
        return bool(self._call("Post", request).delivered)

    def ask(self, question: str, params: Params = None) -> bool:
        """Posts a question and waits for the answer; True only if it was approved."""
        request = pb.AskRequest(
            question=question, params_json=json_payloads.encode(params, "alerter parameters")
        )
        return bool(self._call("Ask", request).approved)
