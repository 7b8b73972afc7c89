"""Config classes as data: CLI value parsing, validation messages, secrets, scheme checks."""

from typing import Any, ClassVar, Dict, Optional, Set

import pytest

from flavorhost.artifact_stores import BaseArtifactStoreConfig
from flavorhost.configs import (
    MASK,
    describe_fields,
    mask_secrets,
    parse_cli_values,
    secret_field_names,
    validate_config,
)
from flavorhost.errors import ConfigValidationError
from flavorhost.flavors.local_artifact_store.flavor import LocalArtifactStoreConfig
from flavorhost.secrets import SecretField


class S3LikeConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"s3://"}

    key: Optional[str] = SecretField(default=None)
    client_kwargs: Optional[Dict[str, Any]] = None
    retries: int = 3
    verbose: bool = False


def test_cli_values_are_parsed_by_field_type() -> None:
    values = parse_cli_values(
        S3LikeConfig,
        {
            "path": "s3://bucket/x",
            "key": "123",
            "client_kwargs": '{"endpoint_url": "http://127.0.0.1:5000"}',
            "retries": "5",
            "verbose": "true",
        },
    )
    assert values == {
        "path": "s3://bucket/x",
        "key": "123",
        "client_kwargs": {"endpoint_url": "http://127.0.0.1:5000"},
        "retries": 5,
        "verbose": True,
    }


def test_a_list_of_strings_is_read_as_json_and_optional_text_as_text() -> None:
    class ListConfig(BaseArtifactStoreConfig):
        join_keys: list[str] = []
        label: str | None = None

    values = parse_cli_values(ListConfig, {"join_keys": '["driver_id"]', "label": "[x]"})
    assert values == {"join_keys": ["driver_id"], "label": "[x]"}


def test_unknown_cli_field_names_the_known_ones() -> None:
    with pytest.raises(ConfigValidationError, match=r"unknown config field 'colour'.*path"):
        parse_cli_values(S3LikeConfig, {"colour": "red"})


def test_missing_field_says_how_to_pass_it() -> None:
    with pytest.raises(ConfigValidationError) as caught:
        validate_config(S3LikeConfig, {}, "s3like")
    assert caught.value.field == "path"
    assert "--path=VALUE" in str(caught.value)


def test_wrong_type_names_the_field() -> None:
    with pytest.raises(ConfigValidationError, match="field 'retries'"):
        validate_config(S3LikeConfig, {"path": "s3://b", "retries": "many"}, "s3like")


def test_unsupported_scheme_lists_the_supported_ones() -> None:
    with pytest.raises(ConfigValidationError, match="'s3://'"):
        validate_config(S3LikeConfig, {"path": "gs://bucket"}, "s3like")


def test_local_store_refuses_remote_and_relative_paths() -> None:
    with pytest.raises(ConfigValidationError, match="local directory"):
        validate_config(LocalArtifactStoreConfig, {"path": "s3://bucket"}, "local")
    with pytest.raises(ConfigValidationError, match="must be absolute"):
        validate_config(LocalArtifactStoreConfig, {"path": "relative/dir"}, "local")


def test_secret_fields_are_described_and_masked() -> None:
    fields = {f.name: f for f in describe_fields(S3LikeConfig)}
    assert fields["key"].secret and not fields["path"].secret
    assert fields["path"].required and not fields["retries"].required
    assert fields["retries"].default_json == "3"
    masked = mask_secrets(secret_field_names(S3LikeConfig), {"path": "s3://b", "key": "hunter2"})
    assert masked == {"path": "s3://b", "key": MASK}
