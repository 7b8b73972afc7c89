"""Feature stores: the base abstractions every feature store flavor builds on."""

from flavorhost.feature_stores.base_feature_store import (
    BaseFeatureStore,
    BaseFeatureStoreConfig,
    BaseFeatureStoreFlavor,
    FeatureRef,
    feature_refs,
)

__all__ = [
    "BaseFeatureStore",
    "BaseFeatureStoreConfig",
    "BaseFeatureStoreFlavor",
    "FeatureRef",
    "feature_refs",
]
