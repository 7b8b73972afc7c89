"""The alerter type end to end: the `webhook` flavor's sidecar, the SDK proxy, the CLI, against a
real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.proxies.alerter import AlerterProxy
from tests.conftest import Cli

ALERTER = StackComponentType.ALERTER


class Chat:
    """A webhook and an answers endpoint, as a chat service's bridge would offer them."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        # What the next question gets as an answer, after how many polls ('' answers nothing).
        self.answer = ""
        self.polls_before_answer = 0
        self.polls = 0
        self.webhook_status = HTTPStatus.OK
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                chat.posts.append(json.loads(self.rfile.read(length)))
                self.send_response(chat.webhook_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                asked = {p.get("question_id") for p in chat.posts}
                chat.polls += 1
                if query.get("question_id", [""])[0] not in asked:
                    self.send_response(HTTPStatus.NOT_FOUND)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if not chat.answer or chat.polls <= chat.polls_before_answer:
                    self.send_response(HTTPStatus.NO_CONTENT)
                    self.end_headers()
                    return
                body = json.dumps({"answer": chat.answer}).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat() -> Iterator[Chat]:
    served = Chat()
    yield served
    served.close()


def _alerter(client: Client, chat: Chat, **config: Any) -> AlerterProxy:
    values = {
        "webhook_url": f"{chat.url}/hook",
        "answers_url": f"{chat.url}/answers",
        "poll_interval_seconds": 0.05,
        "ask_timeout_seconds": 10.0,
        **config,
    }
    client.register_component(ALERTER, "chat", "webhook", config=values)
    client.register_stack(
        "with-alerter", {StackComponentType.ARTIFACT_STORE: "default", ALERTER: "chat"}
    )
    client.activate_stack("with-alerter")
    alerter = client.active_stack.alerter
    assert alerter is not None
    return alerter


def test_post_delivers_the_message_and_the_parameters_payload(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat)
    assert alerter.post("training finished") is True
    assert alerter.post("accuracy", {"payload": {"accuracy": 0.93}}) is True
    assert chat.posts == [
        {"text": "training finished", "kind": "message"},
        {"accuracy": 0.93, "text": "accuracy", "kind": "message"},
    ]


def test_post_is_false_when_the_webhook_refuses(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat)
    chat.webhook_status = HTTPStatus.INTERNAL_SERVER_ERROR
    assert alerter.post("lost") is False


def test_ask_waits_for_an_approval(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat)
    chat.answer, chat.polls_before_answer = "LGTM", 3
    assert alerter.ask("deploy the model?") is True
    question = chat.posts[-1]
    assert question["kind"] == "question" and question["text"] == "deploy the model?"
    assert chat.polls > 3


def test_ask_hears_a_refusal_and_per_call_answer_words(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat)
    chat.answer = "no"
    assert alerter.ask("deploy?") is False
    chat.answer = "ship it"
    assert alerter.ask("deploy?", {"approve_options": ["ship it"]}) is True


def test_ask_without_an_answer_in_time_is_a_refusal(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat, ask_timeout_seconds=0.3)
    assert alerter.ask("anyone?") is False


def test_ask_without_an_answers_url_says_how_to_set_one(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat, answers_url=None)
    with pytest.raises(ValueError, match="flavorhost alerter update chat --answers_url"):
        alerter.ask("deploy?")


def test_bad_parameters_name_the_field(client: Client, chat: Chat) -> None:
    alerter = _alerter(client, chat)
    with pytest.raises(ValueError, match="'colour' is not one of its fields"):
        alerter.post("hi", {"colour": "red"})
    with pytest.raises(ValueError, match="'payload'"):
        alerter.post("hi", {"payload": "not an object"})
    with pytest.raises(TypeError, match="a pydantic model, a dict or None"):
        alerter.post("hi", ["payload"])  # type: ignore[arg-type]
    assert chat.posts == []


def test_a_config_that_is_not_a_webhook_url_is_refused(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="webhook_url must be an http"):
        client.register_component(ALERTER, "bad", "webhook", config={"webhook_url": "ftp://x"})
    assert [c.name for c in client.list_components(ALERTER)] == []


def test_a_stack_without_an_alerter_has_none(client: Client) -> None:
    assert client.active_stack.alerter is None


def test_cli_registers_an_alerter_and_keeps_its_url_secret(cli: Cli, chat: Chat) -> None:
    url = f"{chat.url}/hook?token=s3cret"
    cli("alerter", "register", "team", "--flavor=webhook", f"--webhook_url={url}")
    described = cli("alerter", "describe", "team").stdout
    assert "s3cret" not in described and "{{alerter-team.webhook_url}}" in described
    cli("stack", "register", "alerting", "-a", "default", "-al", "team")
    cli("stack", "set", "alerting")
    with Client(cli.home) as client:
        alerter = client.active_stack.alerter
        assert alerter is not None and alerter.post("from the CLI's stack")
    assert chat.posts == [{"text": "from the CLI's stack", "kind": "message"}]
