"""Starts, reuses, configures and stops the sidecars: one per flavor, serving all its components.

The proxy asks `route()` for the sidecar of a component on every call, so the common case (the
sidecar runs, the component is configured) costs dictionary lookups and no registry query.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flavorhost.enums import StackComponentType
from flavorhost.errors import ComponentUnavailableError
from flavorhost.home import logs_dir
from flavorhost.host import leftover_sidecars
from flavorhost.host.crash_history import WINDOW_SECONDS, CrashHistory
from flavorhost.host.environments import EnvironmentManager
from flavorhost.host.flavor_loader import FlavorLoader
from flavorhost.host.launch_commands import launch_command
from flavorhost.host.registry import FlavorRecord, Registry
from flavorhost.host.secret_references import referenced_secrets, resolve
from flavorhost.host.secrets_store import SecretsStore
from flavorhost.host.sidecar_process import SidecarProcess, log_tail
from flavorhost.host.source_watch import SourceWatch
from flavorhost.protocol import DEFAULT_CALL_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)

FlavorKey = tuple[StackComponentType, str]
# How long a direct-access grant lasts; clients ask again before it expires.
GRANT_SECONDS = 600.0
ComponentKey = tuple[StackComponentType, str]


@dataclass(frozen=True)
class Route:
    """Where a component's calls go."""

    sidecar: SidecarProcess
    metadata: tuple[tuple[str, str], ...]
    component: str
    # The component's call deadline in seconds (its own, or the default).
    timeout: float


@dataclass(frozen=True)
class DirectAccess:
    """A grant to call a component's sidecar directly, or (sidecar None) advice to go through
    the host."""

    sidecar: SidecarProcess | None
    grant: str
    expires: float
    timeout: float
    failure: str


class Supervisor:
    """Owns every sidecar process and the private folder of their sockets."""

    def __init__(
        self,
        home: Path,
        registry: Registry,
        loader: FlavorLoader,
        environments: EnvironmentManager,
        secrets: SecretsStore,
    ) -> None:
        self._home = home
        self._secrets = secrets
        self._registry = registry
        self._loader = loader
        self._environments = environments
        # Sidecar sockets live in a fresh 0700 folder with a short path (unix socket paths are
        # limited to 107 bytes), removed when the host stops.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="flavorhost-"))
        self._remove_stale_socket_dir()
        self._sidecars: dict[FlavorKey, SidecarProcess] = {}
        self._watches: dict[FlavorKey, SourceWatch] = {}
        self._crashes: dict[FlavorKey, CrashHistory] = {}
        self._starting: dict[FlavorKey, threading.Lock] = {}
        self._routes: dict[ComponentKey, Route] = {}
        # Bumped on every change: a route computed before a change is never cached after it.
        self._generations: dict[ComponentKey, int] = {}
        self._lock = threading.RLock()

    def _remove_stale_socket_dir(self) -> None:
        """Kills the sidecars of a previous host of this home that was killed, if any survived,
        and removes its socket folder."""
        record = self._home / "sidecar-sockets"
        if record.exists():
            stale = Path(record.read_text().strip())
            if stale.name.startswith("flavorhost-") and stale != self._socket_dir:
                leftover_sidecars.reap(stale)
                shutil.rmtree(stale, ignore_errors=True)
        record.write_text(str(self._socket_dir))

    def route(self, kind: StackComponentType, component_name: str) -> Route:
        """The sidecar of a component, started and configured as needed."""
        route = self._routes.get((kind, component_name))
        if route is not None and route.sidecar.alive and not self._edited(route.sidecar):
            return route
        with self._lock:
            generation = self._generations.get((kind, component_name), 0)
            component = self._registry.get_component(kind, component_name)
            flavor = self._registry.get_flavor(kind, component.flavor)
            starting = self._starting.setdefault((kind, flavor.name), threading.Lock())
        # Starting a sidecar (environment build, back-off, handshake) holds only its flavor's
        # lock: other flavors' calls go on meanwhile.
        with starting:
            sidecar = self._sidecar(flavor)
        loaded = self._loader.load_flavor(flavor)
        # Secret references are resolved here, at the last moment, for the sidecar only.
        values = resolve(self._secrets, component.config)
        config = loaded.config.validate(values, flavor.name)
        timeout = component.call_timeout or DEFAULT_CALL_TIMEOUT_SECONDS
        sidecar.ensure_configured(component, config, timeout)
        route = Route(sidecar, sidecar.metadata(component.name), component.name, timeout)
        with self._lock:
            if self._generations.get((kind, component_name), 0) == generation:
                self._routes[(kind, component_name)] = route
        return route

    def _edited(self, sidecar: SidecarProcess) -> bool:
        """Whether the flavor's source changed under a running sidecar (then it is stopped)."""
        key = (sidecar.flavor.type, sidecar.flavor.name)
        watch = self._watches.get(key)
        if watch is None or not watch.changed():
            return False
        logger.info("flavor %r changed on disk; restarting its sidecar", sidecar.flavor.name)
        self.forget_flavor(*key)
        return True

    def _sidecar(self, flavor: FlavorRecord) -> SidecarProcess:
        key = (flavor.type, flavor.name)
        sidecar = self._sidecars.get(key)
        if sidecar is not None and sidecar.alive and sidecar.flavor == flavor:
            if not self._edited(sidecar):
                return sidecar
            sidecar = None
        history = self._crashes.setdefault(key, CrashHistory())
        if sidecar is not None and not sidecar.alive and not sidecar.crash_counted:
            sidecar.crash_counted = True
            self._record_crash(key, sidecar.process.returncode)
        if history.failure:
            raise ComponentUnavailableError(history.failure)
        if sidecar is not None:
            sidecar.stop()
        time.sleep(history.backoff())
        log_path = self._log_path(flavor.type, flavor.name)
        python = self._environments.ensure(flavor.requirements, flavor.python)
        if flavor.source_root:
            self._watches[key] = SourceWatch(flavor.source, flavor.source_root)
        try:
            command = launch_command(flavor, python, self._loader.load_flavor(flavor).manifest)
            sidecar = SidecarProcess.launch(flavor, command, self._socket_dir, log_path)
        except ComponentUnavailableError:
            self._record_crash(key, None)
            raise
        with self._lock:
            self._sidecars[key] = sidecar
        return sidecar

    def open_direct(
        self, kind: StackComponentType, name: str, failed_pid: int = 0, hung: bool = False
    ) -> DirectAccess:
        """Grants direct access to a component's sidecar (started and configured as needed),
        after dealing with a failure a client reports on a previous grant."""
        failure = self._reported_failure(failed_pid, hung, name) if failed_pid else ""
        route = self.route(kind, name)
        sidecar = route.sidecar
        if sidecar.flavor.source_root:  # edits must reach the next call: keep the host's hop
            return DirectAccess(None, "", 0.0, route.timeout, failure)
        expires = time.time() + GRANT_SECONDS
        return DirectAccess(sidecar, sidecar.grant(name, expires), expires, route.timeout, failure)

    def _reported_failure(self, pid: int, hung: bool, component: str) -> str:
        """Why the sidecar with `pid` failed a client's direct call ('' if it still serves)."""
        sidecar = next((s for s in self.sidecars() if s.process.pid == pid), None)
        if sidecar is None:
            return ""
        if hung:
            self.kill_hung(sidecar)
            return sidecar.hang_report()
        return sidecar.death_report(component) if sidecar.died(within=1.0) else ""

    def kill_hung(self, sidecar: SidecarProcess) -> None:
        """Kills a sidecar that overran a call deadline; the next call counts the crash and
        starts a new one (with back-off, and the crash-loop limit)."""
        if sidecar.alive:
            logger.warning(
                "killing the hung sidecar of %r (pid %d)", sidecar.flavor.name, sidecar.process.pid
            )
            sidecar.kill()

    def forget(self, kind: StackComponentType, component_name: str) -> None:
        """Drops a deleted component: its route, and its instance in the sidecar (direct clients
        holding a grant then get COMPONENT_NOT_CONFIGURED)."""
        route = self._drop_route(kind, component_name)
        if route is not None:
            route.sidecar.release(component_name)

    def reconfigure(self, kind: StackComponentType, component_name: str) -> None:
        """Gives a running sidecar a component's new config now, after an update, so that every
        call from then on (through the host or direct) sees it; if the new config does not work,
        the sidecar drops the component and calls report why."""
        route = self._drop_route(kind, component_name)
        if route is None or not route.sidecar.alive:
            return
        try:
            self.route(kind, component_name)
        except Exception as error:  # the calls will report it; the update itself stands
            logger.warning("component %r did not take its new config: %s", component_name, error)
            route.sidecar.release(component_name)

    def _drop_route(self, kind: StackComponentType, component_name: str) -> Route | None:
        key = (kind, component_name)
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1
            return self._routes.pop(key, None)

    def _record_crash(self, key: FlavorKey, exit_code: int | None) -> None:
        """Counts a crash (or a failed start) and marks a crash loop."""
        kind, name = key
        history = self._crashes.setdefault(key, CrashHistory())
        history.record()
        log_path = self._log_path(kind, name)
        logger.warning(
            "sidecar of %r failed (exit code %s); crash %d", name, exit_code, history.restarts
        )
        if history.crash_looping:
            history.failure = (
                f"the sidecar of {kind.value} flavor {name!r} failed {len(history.recent)} "
                f"times within {WINDOW_SECONDS:.0f}s (last exit code {exit_code}); flavorhost "
                f"stopped restarting it. Fix the flavor, then update a component of it "
                f"(`flavorhost {kind.cli_name} update NAME ...`), re-register the flavor, or "
                f"restart the host. Its log {log_path} ends with:\n{log_tail(log_path)}"
            )

    def _log_path(self, kind: StackComponentType, flavor: str) -> Path:
        return logs_dir(self._home) / f"{kind.value}-{flavor}.log"

    def failure(self, kind: StackComponentType, flavor: str) -> str:
        """Why a flavor's sidecar is no longer restarted, or ''."""
        history = self._crashes.get((kind, flavor))
        return history.failure if history else ""

    def restarts(self, kind: StackComponentType, flavor: str) -> int:
        """How many times a flavor's sidecar was restarted after a crash."""
        history = self._crashes.get((kind, flavor))
        return history.restarts if history else 0

    def reset_failure(self, kind: StackComponentType, flavor: str) -> None:
        """Lets a crash-looping flavor start again (after an update or re-registration)."""
        history = self._crashes.get((kind, flavor))
        if history is not None:
            history.reset()

    def forget_secret_users(self, secret: str) -> None:
        """Reconfigures the components whose config references a secret that changed."""
        for component in self._registry.list_components():
            if secret in referenced_secrets(component.config):
                self.reconfigure(component.type, component.name)

    def forget_flavor(self, kind: StackComponentType, flavor: str) -> None:
        """Stops a flavor's sidecar (after the flavor was re-registered or deleted)."""
        with self._lock:
            sidecar = self._sidecars.pop((kind, flavor), None)
            self._watches.pop((kind, flavor), None)
            self.reset_failure(kind, flavor)
            for key, route in list(self._routes.items()):
                if route.sidecar is sidecar:
                    del self._routes[key]
        if sidecar is not None:
            sidecar.stop()

    def sidecars(self) -> list[SidecarProcess]:
        """The sidecars started so far."""
        return list(self._sidecars.values())

    def close(self) -> None:
        """Stops every sidecar (gracefully, then by force) and removes their socket folder."""
        with self._lock:
            sidecars = list(self._sidecars.values())
            self._sidecars.clear()
            self._routes.clear()
        threads = [threading.Thread(target=s.stop) for s in sidecars]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        shutil.rmtree(self._socket_dir, ignore_errors=True)
