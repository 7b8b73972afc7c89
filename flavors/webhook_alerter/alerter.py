"""The `webhook` alerter's implementation: JSON over HTTP with the standard library."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import Field

from flavorhost.alerters import BaseAlerter, BaseAlerterStepParameters
from flavorhost.flavors.webhook_alerter.flavor import WebhookAlerterConfig

logger = logging.getLogger(__name__)


class WebhookAlerterParameters(BaseAlerterStepParameters):
    """Per-call parameters: extra JSON fields for the webhook, and answer words for this ask."""

    payload: dict[str, Any] = Field(default_factory=dict)
    approve_options: list[str] | None = None
    disapprove_options: list[str] | None = None


class WebhookAlerter(BaseAlerter):
    """Posts to the configured webhook; `ask` polls the answers URL."""

    PARAMETERS_CLASS: ClassVar[type[BaseAlerterStepParameters]] = WebhookAlerterParameters

    @property
    def config(self) -> WebhookAlerterConfig:
        """The alerter's config."""
        config = self._config
        assert isinstance(config, WebhookAlerterConfig)
        return config

    def post(self, message: str, params: BaseAlerterStepParameters | None = None) -> bool:
        """Posts `message`; False (and a log line saying why) if the webhook did not take it."""
        body = {**_parameters(params).payload, "text": message, "kind": "message"}
        return self._send(body)

    def ask(self, question: str, params: BaseAlerterStepParameters | None = None) -> bool:
        """Posts `question`, then waits for an approving or refusing answer; False if none
        comes within `ask_timeout_seconds`."""
        parameters = _parameters(params)
        if self.config.answers_url is None:
            raise ValueError(
                f"alerter {self.name!r} has no answers_url, so it cannot hear answers; set one "
                f"with `flavorhost alerter update {self.name} --answers_url=URL`"
            )
        question_id = uuid.uuid4().hex
        body = {
            **parameters.payload,
            "text": question,
            "kind": "question",
            "question_id": question_id,
        }
        if not self._send(body):
            return False
        approve = _words(parameters.approve_options or self.config.approve_options)
        disapprove = _words(parameters.disapprove_options or self.config.disapprove_options)
        deadline = time.monotonic() + self.config.ask_timeout_seconds
        while True:
            answer = self._answer(question_id)
            if answer is not None:
                word = answer.strip().lower()
                if word in approve:
                    return True
                if word in disapprove:
                    return False
                logger.info(
                    "answer %r to question %s is neither approval nor refusal", answer, question_id
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.warning(
                    "no answer to question %s within %ss",
                    question_id,
                    self.config.ask_timeout_seconds,
                )
                return False
            time.sleep(min(self.config.poll_interval_seconds, remaining))

    def _send(self, body: dict[str, Any]) -> bool:
        request = urllib.request.Request(
            self.config.webhook_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.request_timeout_seconds):
                return True
        except (urllib.error.URLError, OSError) as error:
            # The URL may embed a credential: name the host only.
            host = urllib.parse.urlsplit(self.config.webhook_url).netloc
            logger.warning("the webhook at %s did not take the %s: %s", host, body["kind"], error)
            return False

    def _answer(self, question_id: str) -> str | None:
        """The answer posted so far, or None."""
        assert self.config.answers_url is not None
        separator = "&" if urllib.parse.urlsplit(self.config.answers_url).query else "?"
        query = urllib.parse.urlencode({"question_id": question_id})
        url = f"{self.config.answers_url}{separator}{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.config.request_timeout_seconds) as reply:
                if reply.status == HTTPStatus.NO_CONTENT:
                    return None
                answer = json.loads(reply.read() or b"{}").get("answer")
                return answer if isinstance(answer, str) else None
        except urllib.error.HTTPError as error:
            if error.code != HTTPStatus.NOT_FOUND:
                logger.warning("the answers URL failed: %s", error)
            return None
        except (urllib.error.URLError, OSError, ValueError) as error:
            logger.warning("the answers URL failed: %s", error)
            return None


def _parameters(params: BaseAlerterStepParameters | None) -> WebhookAlerterParameters:
    if params is None:
        return WebhookAlerterParameters()
    if isinstance(params, WebhookAlerterParameters):
        return params
    return WebhookAlerterParameters.model_validate(params.model_dump())


def _words(options: list[str]) -> set[str]:
    return {option.strip().lower() for option in options}
