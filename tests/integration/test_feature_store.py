"""The feature store type end to end: the `local` flavor's sidecar joining CSV feature views
point in time, the SDK proxy (rows, or a DataFrame when pandas is there), and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError
from flavorhost.proxies.feature_store import FeatureStoreProxy
from tests.conftest import Cli

FEATURE_STORE = StackComponentType.FEATURE_STORE

DRIVER_STATS = """driver_id,event_timestamp,conv_rate,trips,city
1001,2024-05-01T10:00:00+00:00,0.5,10,Paris
1001,2024-05-01T12:00:00+00:00,0.6,12,Paris
1001,2024-05-01T12:00:00+00:00,0.65,13,Lyon
1002,2024-05-01T11:00:00,0.9,,Nice
1002,2024-05-01T14:00:00+02:00,0.8,7,Nice
"""
CUSTOMERS = """customer_id,event_timestamp,score,city
c1,2024-04-01T00:00:00+00:00,3,Paris
"""


@pytest.fixture
def views(tmp_path: Path) -> Path:
    folder = tmp_path / "views"
    folder.mkdir()
    (folder / "driver_stats.csv").write_text(DRIVER_STATS)
    (folder / "customers.csv").write_text(CUSTOMERS)
    return folder


def _store(client: Client, views: Path, **config: Any) -> FeatureStoreProxy:
    values = {"path": str(views), "join_keys": ["driver_id", "customer_id"], **config}
    client.register_component(FEATURE_STORE, "features", "local", config=values)
    client.register_stack(
        "featured", {StackComponentType.ARTIFACT_STORE: "default", FEATURE_STORE: "features"}
    )
    client.activate_stack("featured")
    store = client.active_stack.feature_store
    assert store is not None
    return store


def test_historical_features_are_joined_point_in_time(client: Client, views: Path) -> None:
    store = _store(client, views)
    entity_df = [
        {"driver_id": 1001, "event_timestamp": "2024-05-01T09:59:59+00:00", "label": 0},
        {"driver_id": 1001, "event_timestamp": "2024-05-01T10:00:00+00:00", "label": 1},
        {"driver_id": 1001, "event_timestamp": "2024-05-01T11:30:00+00:00", "label": 0},
        {"driver_id": 1001, "event_timestamp": "2024-05-02T00:00:00+00:00", "label": 1},
        # 11:59 UTC is after 11:00 (naive: UTC) and before 14:00+02:00 (12:00 UTC).
        {"driver_id": "1002", "event_timestamp": "2024-05-01T13:59:00+02:00", "label": 0},
        {"driver_id": 1002, "event_timestamp": "2024-05-01T12:00:00Z", "label": 1},
        {"driver_id": 9999, "event_timestamp": "2024-05-01T12:00:00Z", "label": 1},
    ]
    rows = store.get_historical_features(
        entity_df, ["driver_stats:conv_rate", "driver_stats:trips"]
    )
    assert [(r["conv_rate"], r["trips"]) for r in rows] == [
        (None, None),  # before the first value
        (0.5, 10),  # at a value's timestamp: included
        (0.5, 10),  # between two values: the earlier
        (0.65, 13),  # two rows at the same time: the later line wins
        (0.9, None),  # an empty cell is null
        (0.8, 7),
        (None, None),  # an unknown entity
    ]
    assert rows[0] == {**entity_df[0], "conv_rate": None, "trips": None}


def test_ttl_full_feature_names_and_several_views(client: Client, views: Path) -> None:
    store = _store(client, views, ttl_seconds=3600)
    entity_df = [
        {"driver_id": 1001, "customer_id": "c1", "event_timestamp": "2024-05-01T11:30:00+00:00"},
        {"driver_id": 1001, "customer_id": "c1", "event_timestamp": "2024-05-01T10:30:00+00:00"},
    ]
    rows = store.get_historical_features(
        entity_df, ["driver_stats:city", "customers:score"], full_feature_names=True
    )
    # 11:30 is more than an hour after 10:00; the customer's score is a month old.
    assert [(r["driver_stats__city"], r["customers__score"]) for r in rows] == [
        (None, None),
        ("Paris", None),
    ]


def test_online_features_are_the_latest_values(client: Client, views: Path) -> None:
    store = _store(client, views)
    answer = store.get_online_features(
        [{"driver_id": 1001}, {"driver_id": 1002}, {"driver_id": 5}],
        ["driver_stats:conv_rate", "driver_stats:city"],
    )
    assert answer == {
        "driver_id": [1001, 1002, 5],
        "conv_rate": [0.65, 0.8, None],
        "city": ["Lyon", "Nice", None],
    }
    (views / "driver_stats.csv").write_text(DRIVER_STATS + "1001,2024-06-01T00:00:00Z,0.1,1,Metz\n")
    assert store.get_online_features([{"driver_id": 1001}], ["driver_stats:city"])["city"] == [
        "Metz"
    ]


def test_bad_requests_name_the_problem(client: Client, views: Path) -> None:
    store = _store(client, views)
    rows = [{"driver_id": 1001, "event_timestamp": "2024-05-01T10:00:00Z"}]
    with pytest.raises(ValueError, match=r"no feature view 'drivers'.*customers, driver_stats"):
        store.get_historical_features(rows, ["drivers:conv_rate"])
    with pytest.raises(ValueError, match="no feature 'speed'; its features: conv_rate, trips"):
        store.get_historical_features(rows, ["driver_stats:speed"])
    with pytest.raises(ValueError, match="write VIEW:FEATURE"):
        store.get_online_features(rows, ["conv_rate"])
    with pytest.raises(ValueError, match="has no 'event_timestamp'"):
        store.get_historical_features([{"driver_id": 1001}], ["driver_stats:trips"])
    with pytest.raises(ValueError, match="'2024-13-01' is not an ISO 8601 timestamp"):
        store.get_historical_features(
            [{"driver_id": 1, "event_timestamp": "2024-13-01"}], ["driver_stats:trips"]
        )
    with pytest.raises(ValueError, match="row 0 has no 'customer_id', the join key"):
        store.get_online_features([{"driver_id": 1001}], ["customers:score"])
    with pytest.raises(ValueError, match="requested twice"):
        store.get_online_features([{"driver_id": 1}], ["driver_stats:trips", "driver_stats:trips"])
    both = [{"driver_id": 1, "customer_id": "c1"}]
    with pytest.raises(ValueError, match="both be column 'city': pass full_feature_names=True"):
        store.get_online_features(both, ["driver_stats:city", "customers:city"])
    with pytest.raises(ValueError, match="already has a column 'city'"):
        store.get_online_features([{**both[0], "city": "x"}], ["customers:city"])
    with pytest.raises(TypeError, match="query string is not supported"):
        store.get_historical_features("SELECT * FROM drivers", ["driver_stats:trips"])
    with pytest.raises(TypeError, match="row 0 column 'when' is a object"):
        store.get_online_features([{"driver_id": 1, "when": object()}], ["driver_stats:trips"])
    (views / "broken.csv").write_text("id,value\n1,2\n")
    with pytest.raises(ValueError, match="needs a 'event_timestamp' column"):
        store.get_online_features([{"driver_id": 1}], ["broken:value"])


def test_dataframes_come_back_as_dataframes(client: Client, views: Path) -> None:
    pandas = pytest.importorskip("pandas")
    store = _store(client, views)
    entity_df = pandas.DataFrame(
        {
            "driver_id": [1001, 1002],
            "event_timestamp": pandas.to_datetime(["2024-05-01T11:00:00Z", "2024-05-01T13:00Z"]),
        }
    )
    answer = store.get_historical_features(entity_df, ["driver_stats:trips"])
    assert isinstance(answer, pandas.DataFrame) and list(answer["trips"]) == [10, 7]


def test_config_is_checked_and_stacks_lack_a_feature_store(client: Client) -> None:
    assert client.active_stack.feature_store is None
    with pytest.raises(ConfigValidationError, match="join_keys"):
        client.register_component(FEATURE_STORE, "bad", "local", config={"path": "/tmp/x"})
    with pytest.raises(ConfigValidationError, match="must be an absolute directory"):
        client.register_component(
            FEATURE_STORE, "bad", "local", config={"path": "views", "join_keys": ["id"]}
        )


def test_cli_registers_and_describes_a_feature_store(cli: Cli, views: Path) -> None:
    cli(
        "feature-store", "register", "features", "--flavor=local", f"--path={views}",
        '--join_keys=["driver_id"]',
    )  # fmt: skip
    described = cli("feature-store", "describe", "features").stdout
    assert str(views) in described and "driver_id" in described
    cli("stack", "register", "featured", "-a", "default", "-f", "features")
    cli("stack", "set", "featured")
    with Client(cli.home) as client:
        store = client.active_stack.feature_store
        assert store is not None
        online = store.get_online_features([{"driver_id": 1002}], ["driver_stats:trips"])
        assert online == {"driver_id": [1002], "trips": [7]}
