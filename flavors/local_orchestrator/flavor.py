"""Config and flavor of the `local` orchestrator (light: no implementation imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from flavorhost.orchestrators import BaseOrchestratorConfig, BaseOrchestratorFlavor

if TYPE_CHECKING:
    from flavorhost.flavors.local_orchestrator.orchestrator import LocalOrchestrator


class LocalOrchestratorConfig(BaseOrchestratorConfig):
    """Steps run one after another, each in its own process, in the pipeline's interpreter.

    A step that fails stops the run: later steps are skipped. A step that runs longer than
    `step_timeout_seconds` (0: no limit) is killed and fails the run.
    """

    step_timeout_seconds: float = Field(default=0.0, ge=0)

    @property
    def is_local(self) -> bool:
        """Steps run on this machine."""
        return True


class LocalOrchestratorFlavor(BaseOrchestratorFlavor):
    """The built-in `local` orchestrator flavor."""

    @property
    def name(self) -> str:
        """The flavor's name."""
        return "local"

    @property
    def config_class(self) -> type[LocalOrchestratorConfig]:
        """Its config class."""
        return LocalOrchestratorConfig

    @property
    def implementation_class(self) -> type[LocalOrchestrator]:
        """Its implementation, imported only in the sidecar."""
        from flavorhost.flavors.local_orchestrator.orchestrator import LocalOrchestrator

        return LocalOrchestrator
