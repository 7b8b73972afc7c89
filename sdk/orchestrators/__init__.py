"""Orchestrators: the base abstractions every orchestrator flavor builds on."""

from flavorhost.orchestrators.base_orchestrator import (
    BaseOrchestrator,
    BaseOrchestratorConfig,
    BaseOrchestratorFlavor,
    SubmissionResult,
)

__all__ = [
    "BaseOrchestrator",
    "BaseOrchestratorConfig",
    "BaseOrchestratorFlavor",
    "SubmissionResult",
]
