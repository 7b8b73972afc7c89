"""The `local` feature store's implementation: point-in-time joins over CSV feature views."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flavorhost.feature_stores import BaseFeatureStore, FeatureRef, feature_refs
from flavorhost.flavors.local_feature_store.csv_views import View, parse_timestamp
from flavorhost.flavors.local_feature_store.flavor import LocalFeatureStoreConfig

Rows = list[dict[str, Any]]


class LocalFeatureStore(BaseFeatureStore):
    """Reads the views a call needs from `path/VIEW.csv` at each call, so edits show at once."""

    @property
    def config(self) -> LocalFeatureStoreConfig:
        """The feature store's config."""
        config = self._config
        assert isinstance(config, LocalFeatureStoreConfig)
        return config

    def get_historical_features(
        self, entity_df: Rows, features: list[str], full_feature_names: bool = False
    ) -> Rows:
        """Each entity row with the features as of its `timestamp_field` (see the config)."""
        refs = feature_refs(features, full_feature_names)
        _no_clash(entity_df, refs, full_feature_names, "entity_df")
        views = self._views(refs)
        ttl = self.config.ttl_seconds
        field = self.config.timestamp_field
        answer = []
        for index, row in enumerate(entity_df):
            if row.get(field) is None:
                raise ValueError(
                    f"entity_df row {index} has no {field!r}: historical features are joined "
                    "as of each row's timestamp"
                )
            until = parse_timestamp(row[field], f"entity_df row {index} column {field!r}")
            since = until - timedelta(seconds=ttl) if ttl is not None else None
            answer.append(
                self._joined(row, index, "entity_df", refs, full_feature_names, views, until, since)
            )
        return answer

    def get_online_features(
        self, entity_rows: Rows, features: list[str], full_feature_names: bool = False
    ) -> dict[str, list[Any]]:
        """The features' latest values for each entity row, as columns."""
        refs = feature_refs(features, full_feature_names)
        _no_clash(entity_rows, refs, full_feature_names, "entity_rows")
        views = self._views(refs)
        rows = [
            self._joined(row, index, "entity_rows", refs, full_feature_names, views, None, None)
            for index, row in enumerate(entity_rows)
        ]
        columns = dict.fromkeys(c for row in entity_rows for c in row)
        columns.update(dict.fromkeys(r.column(full_feature_names) for r in refs))
        return {c: [row.get(c) for row in rows] for c in columns}

    def _joined(
        self,
        row: dict[str, Any],
        index: int,
        what: str,
        refs: list[FeatureRef],
        full_feature_names: bool,
        views: dict[str, View],
        until: Any,
        since: Any,
    ) -> dict[str, Any]:
        joined = dict(row)
        for ref in refs:
            view = views[ref.view]
            missing = [k for k in view.join_keys if row.get(k) is None]
            if missing:
                raise ValueError(
                    f"{what} row {index} has no {', '.join(map(repr, missing))}, the join key "
                    f"of feature view {view.name!r}"
                )
            key = tuple(str(row[k]) for k in view.join_keys)
            found = view.latest(key, until, since)
            column = ref.column(full_feature_names)
            joined[column] = found.values[ref.feature] if found is not None else None
        return joined

    def _views(self, refs: list[FeatureRef]) -> dict[str, View]:
        root = Path(self.config.path)
        available = sorted(p.stem for p in root.glob("*.csv")) if root.is_dir() else []
        views: dict[str, View] = {}
        for ref in refs:
            if ref.view not in views:
                if ref.view not in available:
                    raise ValueError(
                        f"feature store {self.name!r} has no feature view {ref.view!r} (no "
                        f"{root / (ref.view + '.csv')}); its views: "
                        f"{', '.join(available) or 'none'}"
                    )
                views[ref.view] = View.read(
                    root / f"{ref.view}.csv", self.config.join_keys, self.config.timestamp_field
                )
            view = views[ref.view]
            if ref.feature not in view.features:
                raise ValueError(
                    f"feature view {ref.view!r} has no feature {ref.feature!r}; its features: "
                    f"{', '.join(view.features) or 'none'}"
                )
        return views


def _no_clash(rows: Rows, refs: list[FeatureRef], full_feature_names: bool, what: str) -> None:
    """A feature column must not overwrite a column of the entity rows."""
    given = {c for row in rows for c in row}
    for ref in refs:
        if ref.column(full_feature_names) in given:
            raise ValueError(
                f"{what} already has a column {ref.column(full_feature_names)!r}, the name of "
                f"feature {ref.view}:{ref.feature}: pass full_feature_names=True or rename it"
            )
