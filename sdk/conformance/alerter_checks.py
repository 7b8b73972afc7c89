"""Checks of flavorhost.v1.Alerter (alerter.proto): Post and Ask answer bools (false when a
message was not delivered or a question not approved) and refuse bad parameters with
INVALID_ARGUMENT.

When the kit chooses the config (no --config), it stands up its own webhook receiver on
127.0.0.1 and configures the `webhook` flavor's shape against it, so it can see what arrived,
refuse a delivery and answer questions. With a config of the user's (or --component) the
messages reach real people: the kit then posts one message saying it is a test, asks nothing,
and checks only the shapes of the answers and the refusals of bad parameters (refused before
anything is sent).
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import grpc

from flavorhost.conformance.checks import CheckFailed, Skip, Suite
from flavorhost.conformance.probe import Probe
from flavorhost.conformance.service import Service
from flavorhost.conformance.support import on_threads
from flavorhost.generated.v1 import alerter_pb2 as pb
from flavorhost.generated.v1 import alerter_pb2_grpc

SERVICE = "flavorhost.v1.Alerter"
SUITE = Suite("alerter", service=SERVICE)
INVALID = grpc.StatusCode.INVALID_ARGUMENT
# Words in a message tell the kit's receiver what to do with it.
REFUSE, APPROVE, DECLINE, SILENT = "[refuse]", "[approve]", "[decline]", "[silent]"
APPROVAL, REFUSAL = "conformance-yes", "conformance-no"
ASK_TIMEOUT_SECONDS = 2.0
UNKNOWN_FIELD = "conformance_no_such_field"


class Receiver:
    """A webhook and an answers endpoint on 127.0.0.1, as a chat bridge offers them."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver._lock:
                    receiver.posts.append(body)
                refused = REFUSE in str(body.get("text", ""))
                self.send_response(HTTPStatus.INTERNAL_SERVER_ERROR if refused else HTTPStatus.OK)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                asked = parse_qs(urlsplit(self.path).query).get("question_id", [""])[0]
                question = receiver.question(asked)
                text = str((question or {}).get("text", ""))
                answer = APPROVAL if APPROVE in text else REFUSAL if DECLINE in text else ""
                if not answer:
                    self.send_response(HTTPStatus.NOT_FOUND if question is None else 204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps({"answer": answer}).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="conformance-webhook", daemon=True
        )
        self._thread.start()

    def question(self, question_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next((p for p in self.posts if p.get("question_id") == question_id), None)

    def texts(self) -> list[str]:
        with self._lock:
            return [str(p.get("text", "")) for p in self.posts]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


RECEIVER = "alerter receiver"


def default_config(probe: Probe) -> dict[str, Any]:
    """The `webhook` flavor's shape, against a receiver of the kit's, which the runner stops at
    the end of the run (even when Configure fails)."""
    receiver = probe.keep(RECEIVER, Receiver(), Receiver.close)
    return {
        "webhook_url": f"{receiver.url}/hook",
        "answers_url": f"{receiver.url}/answers",
        "approve_options": [APPROVAL],
        "disapprove_options": [REFUSAL],
        "ask_timeout_seconds": ASK_TIMEOUT_SECONDS,
        "poll_interval_seconds": 0.05,
        "request_timeout_seconds": 5.0,
    }


class Alerts(Service):
    """Calls to the alerter under test, and the kit's receiver if the config is the kit's."""

    def __init__(self, probe: Probe, receiver: Receiver | None) -> None:
        super().__init__(probe, alerter_pb2_grpc.AlerterStub)
        self.receiver = receiver

    def post(self, message: str, params_json: str = "") -> bool:
        request = pb.PostRequest(message=message, params_json=params_json)
        return bool(self("Post", request).delivered)

    def ask(self, question: str, params_json: str = "") -> bool:
        request = pb.AskRequest(question=question, params_json=params_json)
        return bool(self("Ask", request).approved)

    def own(self) -> Receiver:
        if self.receiver is None:
            raise Skip("the config is not the kit's: it cannot see or answer what is sent")
        return self.receiver


def _alerts(probe: Probe) -> Alerts:
    alerts: Alerts = probe.state["alerter"]
    return alerts


def setup(probe: Probe) -> None:
    receiver = probe.state[RECEIVER] if probe.config_is_default else None
    probe.state["alerter"] = Alerts(probe, receiver)


SUITE.setup = setup
SUITE.default_config = default_config


@SUITE.check("post delivers", "Post")
def post_delivers(probe: Probe) -> str:
    alerts = _alerts(probe)
    if alerts.receiver is None:
        delivered = alerts.post("flavorhost conformance kit: a test message, please ignore")
        return f"one test message posted: delivered={delivered}"
    texts = ["conformance: no parameters", "conformance: empty parameters"]
    for text, params in zip(texts, ("", "{}"), strict=True):
        if not alerts.post(text, params):
            raise CheckFailed(f"Post with params_json {params!r} answered delivered=false")
    missing = [t for t in texts if t not in alerts.receiver.texts()]
    if missing:
        raise CheckFailed(f"delivered=true, but the webhook never got {missing}")
    return "delivered=true and the webhook got both messages"


@SUITE.check("post not delivered", "Post")
def post_not_delivered(probe: Probe) -> str:
    alerts = _alerts(probe)
    receiver = alerts.own()
    text = f"conformance: {REFUSE} the webhook answers 500"
    if alerts.post(text):
        raise CheckFailed("the webhook answered 500, yet Post answered delivered=true")
    if text not in receiver.texts():
        return "delivered=false (the message never reached the webhook)"
    return "delivered=false when the webhook refuses"


@SUITE.check("ask approved or refused", "Ask")
def ask_answers(probe: Probe) -> str:
    alerts = _alerts(probe)
    alerts.own()
    if not alerts.ask(f"conformance: {APPROVE} approve this?"):
        raise CheckFailed(f"the answer was {APPROVAL!r} (an approve option), yet approved=false")
    if alerts.ask(f"conformance: {DECLINE} approve this?"):
        raise CheckFailed(f"the answer was {REFUSAL!r} (a disapprove option), yet approved=true")
    return "approved=true for an approval, false for a refusal"


@SUITE.check("ask without an answer", "Ask")
def ask_unanswered(probe: Probe) -> str:
    alerts = _alerts(probe)
    alerts.own()
    if alerts.ask(f"conformance: {SILENT} nobody answers this"):
        raise CheckFailed("nobody answered, yet Ask answered approved=true")
    return f"approved=false after the config's {ASK_TIMEOUT_SECONDS:g}s"


@SUITE.check("bad parameters refused", ("Post", "Ask"))
def bad_parameters(probe: Probe) -> str:
    alerts = _alerts(probe)
    before = len(alerts.receiver.texts()) if alerts.receiver else 0
    cases = ["{not json", "[1, 2]", json.dumps({UNKNOWN_FIELD: 1})]
    for name, request_class, field in (
        ("Post", pb.PostRequest, "message"),
        ("Ask", pb.AskRequest, "question"),
    ):
        for params in cases:
            request = request_class(**{field: "conformance: never sent"}, params_json=params)
            error = alerts.expect(name, request, INVALID, "INVALID_ARGUMENT", f"with {params!r}")
            details = error.details() if isinstance(error, grpc.Call) else ""
            if UNKNOWN_FIELD in params and UNKNOWN_FIELD not in (details or ""):
                raise CheckFailed(f"{name}: the error does not name the field: {details!r}")
    if alerts.receiver is not None and len(alerts.receiver.texts()) != before:
        raise CheckFailed("a call refused for its parameters still sent its message")
    return f"{2 * len(cases)} refused with INVALID_ARGUMENT, the unknown field named"


@SUITE.check("concurrent posts", "Post")
def concurrent_posts(probe: Probe) -> str:
    alerts = _alerts(probe)
    receiver = alerts.own()
    count = min(probe.concurrency, 8)
    texts = [f"conformance: concurrent {i}" for i in range(count)]

    def one(index: int) -> str:
        return "" if alerts.post(texts[index]) else f"post {index} not delivered"

    on_threads(probe, count, one)
    missing = set(texts) - set(receiver.texts())
    if missing:
        raise CheckFailed(f"{len(missing)} of {count} delivered posts never reached the webhook")
    return f"{count} at once, each delivered"
