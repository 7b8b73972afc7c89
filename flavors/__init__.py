"""Built-in flavors, each in its own folder: a light flavor/config module and an implementation.

`BUILTIN_FLAVORS` lists the dotted paths of their Flavor classes, `BUILTIN_MANIFESTS` the
manifests of the built-in flavors written in other languages; the host registers both at start.
"""

from pathlib import Path

BUILTIN_FLAVORS = [
    "flavorhost.flavors.local_artifact_store.flavor.LocalArtifactStoreFlavor",
    "flavorhost.flavors.s3_artifact_store.flavor.S3ArtifactStoreFlavor",
    "flavorhost.flavors.webhook_alerter.flavor.WebhookAlerterFlavor",
    "flavorhost.flavors.local_orchestrator.flavor.LocalOrchestratorFlavor",
    "flavorhost.flavors.local_container_registry.flavor.LocalContainerRegistryFlavor",
    "flavorhost.flavors.file_experiment_tracker.flavor.FileExperimentTrackerFlavor",
    "flavorhost.flavors.local_step_operator.flavor.LocalStepOperatorFlavor",
    "flavorhost.flavors.local_annotator.flavor.LocalAnnotatorFlavor",
    "flavorhost.flavors.column_stats_data_validator.flavor.ColumnStatsDataValidatorFlavor",
    "flavorhost.flavors.local_model_deployer.flavor.LocalModelDeployerFlavor",
    "flavorhost.flavors.local_feature_store.flavor.LocalFeatureStoreFlavor",
    "flavorhost.flavors.local_model_registry.flavor.LocalModelRegistryFlavor",
]

BUILTIN_MANIFESTS = [
    str(Path(__file__).parent / "node_local_artifact_store" / "flavor.json"),
]
