"""The checks of the conformance kit: how one is declared, what it needs, and its result.

A suite module declares its checks with `SUITE.check(...)` on plain functions that take the
kit's `Probe` (flavorhost.conformance.probe). A check passes by returning (optionally a note),
fails by raising `CheckFailed` (or anything else: an unexpected exception is a failure that
quotes it, never a crash of the kit), and skips by raising `Skip`.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import grpc

from flavorhost.errors import error_info

if TYPE_CHECKING:
    from flavorhost.conformance.probe import Probe

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    """How a check ended."""

    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


class CheckFailed(AssertionError):
    """The sidecar did not do what the protocol says; the message says what it did instead."""


class Skip(Exception):
    """The check does not apply to this sidecar or this way of reaching it."""


@dataclass(frozen=True)
class Needs:
    """What a check needs to run at all; unmet needs make it SKIP with the reason."""

    # A service (full name) the sidecar must advertise in PluginInfo.services.
    service: str = ""
    # The sidecar's token (Lifecycle calls, configuring the kit's own components).
    token: bool = False
    # The kit launched the process itself (it may stop it and watch it exit).
    owns_process: bool = False
    # A component configured for the kit's component calls.
    component: bool = True


@dataclass(frozen=True)
class Check:
    """One named check of one area, covering some RPCs."""

    name: str
    area: str
    rpcs: tuple[str, ...]
    run: Callable[[Probe], str | None]
    needs: Needs = Needs()
    # Run after every other check (Shutdown ends the sidecar).
    last: bool = False


@dataclass(frozen=True)
class Result:
    """A check's outcome with a one-line reason."""

    check: Check
    outcome: Outcome
    reason: str = ""
    seconds: float = 0.0


@dataclass
class Suite:
    """The checks of one area (lifecycle, a component type, ...), in declaration order.

    `setup`/`teardown` run around the suite's checks (e.g. a scratch folder) when the kit's
    component got configured; `default_config` gives the config the kit configures its component
    with when the user gives none (the runner then sets `probe.config_is_default`; a server it
    starts for that config is kept with `probe.keep`, which closes it at the end of the run
    whatever happened). `service`
    (a type's service, e.g. flavorhost.v1.Alerter) is what every check needs unless it names
    another.
    """

    area: str
    checks: list[Check] = field(default_factory=list)
    setup: Callable[[Probe], None] | None = None
    teardown: Callable[[Probe], None] | None = None
    default_config: Callable[[Probe], dict[str, Any]] | None = None
    service: str = ""

    def check(
        self, name: str, rpcs: tuple[str, ...] | str, last: bool = False, **needs: Any
    ) -> Callable[[Callable[[Probe], str | None]], Callable[[Probe], str | None]]:
        """Declares the decorated function as a check of this suite."""
        covered = (rpcs,) if isinstance(rpcs, str) else rpcs
        if self.service:
            needs.setdefault("service", self.service)

        def declare(function: Callable[[Probe], str | None]) -> Callable[[Probe], str | None]:
            self.checks.append(Check(name, self.area, covered, function, Needs(**needs), last))
            return function

        return declare


def unmet_need(check: Check, probe: Probe) -> str:
    """Why `check` cannot run against this target, or '' if it can."""
    needs = check.needs
    if needs.owns_process and probe.target.process is None:
        return "the kit did not launch this sidecar (use --command to check shutdown)"
    if needs.token and not probe.target.token:
        return probe.target.why_no_token
    if needs.service and needs.service not in probe.services:
        return f"the sidecar does not advertise {needs.service}"
    if needs.component and not probe.component_ready:
        return probe.component_problem or "no component to call"
    return ""


def run_check(check: Check, probe: Probe) -> Result:
    """Runs one check; whatever happens, a Result comes back."""
    reason = unmet_need(check, probe)
    if reason:
        return Result(check, Outcome.SKIP, reason)
    started = time.monotonic()
    try:
        note = check.run(probe)
    except Skip as skip:
        return Result(check, Outcome.SKIP, str(skip), time.monotonic() - started)
    except CheckFailed as failure:
        return Result(check, Outcome.FAIL, str(failure), time.monotonic() - started)
    except grpc.RpcError as error:
        return Result(
            check, Outcome.FAIL, f"unexpected {describe(error)}", time.monotonic() - started
        )
    except Exception as error:
        logger.debug("check %s raised", check.name, exc_info=True)
        return Result(
            check,
            Outcome.FAIL,
            f"the check raised {type(error).__name__}: {error}",
            time.monotonic() - started,
        )
    return Result(check, Outcome.PASS, note or "", time.monotonic() - started)


def describe(error: grpc.RpcError) -> str:
    """`CODE/REASON: message` of a failed call, for reasons."""
    code = error.code() if isinstance(error, grpc.Call) else None
    info = error_info(error)
    reason = f"/{info.reason}" if info is not None and info.reason else ""
    details = error.details() if isinstance(error, grpc.Call) else str(error)
    name = code.name if code is not None else "?"
    return f"{name}{reason}: {one_line(details or '')}"


def one_line(text: str, limit: int = 160) -> str:
    """`text` on one line, cut to `limit` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
