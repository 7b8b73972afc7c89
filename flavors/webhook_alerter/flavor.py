"""Config and flavor of the `webhook` alerter (light: no implementation imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from flavorhost.alerters import BaseAlerterConfig, BaseAlerterFlavor
from flavorhost.secrets import SecretField

if TYPE_CHECKING:
    from flavorhost.flavors.webhook_alerter.alerter import WebhookAlerter

DEFAULT_APPROVE_OPTIONS = ["approve", "approved", "lgtm", "ok", "yes", "y"]
DEFAULT_DISAPPROVE_OPTIONS = ["decline", "disapprove", "no", "n", "reject", "stop"]


def _http_url(url: str, field: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{field} must be an http:// or https:// URL with a host, e.g. "
            "https://hooks.example.com/T000/B000"
        )
    return url


class WebhookAlerterConfig(BaseAlerterConfig):
    """Where messages go, and where the answers to questions are read.

    `post` sends `{"text": message, "kind": "message"}` (plus the call's `payload`) as a JSON POST
    to `webhook_url`; any 2xx answer counts as delivered. `ask` sends `{"text": question, "kind":
    "question", "question_id": ID}`, then polls `GET answers_url?question_id=ID` until it answers
    200 with `{"answer": TEXT}` (204 or 404: no answer yet). An answer in `approve_options`
    approves, one in `disapprove_options` refuses; no answer within `ask_timeout_seconds` refuses.
    """

    # Webhook URLs usually embed their credential, so the URL is kept as a secret.
    webhook_url: str = SecretField()
    answers_url: str | None = None
    approve_options: list[str] = Field(default_factory=lambda: list(DEFAULT_APPROVE_OPTIONS))
    disapprove_options: list[str] = Field(default_factory=lambda: list(DEFAULT_DISAPPROVE_OPTIONS))
    ask_timeout_seconds: float = Field(default=60.0, gt=0)
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    request_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, url: str) -> str:
        if url.startswith("{{") and url.endswith("}}"):
            return url  # a secret reference, resolved before the sidecar sees it
        return _http_url(url, "webhook_url")

    @field_validator("answers_url")
    @classmethod
    def _answers_url(cls, url: str | None) -> str | None:
        return None if url is None else _http_url(url, "answers_url")

    @property
    def is_remote(self) -> bool:
        """Messages leave this machine (unless the webhook is local)."""
        return urlsplit(self.webhook_url).hostname not in ("127.0.0.1", "::1", "localhost")


class WebhookAlerterFlavor(BaseAlerterFlavor):
    """The built-in `webhook` alerter flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "webhook"

    @property
    def config_class(self) -> type[WebhookAlerterConfig]:
        """Its config class."""
        return WebhookAlerterConfig

    @property
    def implementation_class(self) -> type[WebhookAlerter]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.webhook_alerter.alerter import WebhookAlerter

        return WebhookAlerter
