"""Experiment trackers: the base abstractions every experiment tracker flavor builds on."""

from flavorhost.experiment_trackers.base_experiment_tracker import (
    BaseExperimentTracker,
    BaseExperimentTrackerConfig,
    BaseExperimentTrackerFlavor,
)

__all__ = ["BaseExperimentTracker", "BaseExperimentTrackerConfig", "BaseExperimentTrackerFlavor"]
