"""The model registry type: every method of the proxy through the `local` flavor's sidecar, a
pipeline step that registers its model and loading it back through the artifact store, bad
input, and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError, EntityExistsError, EntityNotFoundError
from flavorhost.model_registries import ModelRegistryModelMetadata, ModelVersionStage
from flavorhost.pipelines import materializers
from flavorhost.proxies.model_registry import ModelRegistryProxy
from tests.conftest import Cli
from tests.integration import model_registry_code
from tests.integration.pipeline_code import Model

REGISTRY = StackComponentType.MODEL_REGISTRY


def _stack_with(client: Client, config: dict[str, str] | None = None) -> ModelRegistryProxy:
    client.register_component(REGISTRY, "models", "local", config=config)
    client.register_stack(
        "registered",
        {
            StackComponentType.ORCHESTRATOR: "default",
            StackComponentType.ARTIFACT_STORE: "default",
            REGISTRY: "models",
        },
    )
    client.activate_stack("registered")
    registry = client.active_stack.model_registry
    assert registry is not None
    return registry


@pytest.fixture
def registry(client: Client, tmp_path: Path) -> ModelRegistryProxy:
    """The `local` registry of the active stack, keeping its file under tmp_path."""
    return _stack_with(client, {"path": str(tmp_path / "registry")})


def test_models_are_registered_updated_listed_and_deleted(
    registry: ModelRegistryProxy, tmp_path: Path
) -> None:
    created = registry.register_model("iris", description="flowers", metadata={"team": "ml"})
    assert (created.name, created.description, created.metadata) == (
        "iris",
        "flowers",
        {"team": "ml"},
    )
    registry.register_model("wine", metadata={"team": "bi"})
    with pytest.raises(EntityExistsError, match="model 'iris' is registered already"):
        registry.register_model("iris")

    updated = registry.update_model(
        "iris", metadata={"owner": "ana", "team": "core"}, remove_metadata=["owner", "absent"]
    )
    assert (updated.description, updated.metadata) == ("flowers", {"team": "core"})
    assert registry.update_model("iris", description="").description == ""
    assert registry.get_model("iris") == registry.update_model("iris")

    assert [m.name for m in registry.list_models()] == ["iris", "wine"]
    assert [m.name for m in registry.list_models(name="wine")] == ["wine"]
    assert [m.name for m in registry.list_models(metadata={"team": "core"})] == ["iris"]
    assert registry.list_models(name="iris", metadata={"team": "bi"}) == []

    registry.register_model_version("iris", model_source_uri="/models/iris/1")
    registry.delete_model("iris")
    with pytest.raises(EntityNotFoundError, match="model registry 'models' has no model 'iris'"):
        registry.get_model("iris")
    assert registry.list_model_versions(name="iris") == []
    with pytest.raises(EntityNotFoundError, match="no model 'iris'"):
        registry.delete_model("iris")
    assert (tmp_path / "registry" / "models.db").is_file()


def test_versions_are_numbered_staged_updated_and_deleted(registry: ModelRegistryProxy) -> None:
    # A version of an unregistered model registers the model.
    first = registry.register_model_version(
        "iris",
        model_source_uri="/models/iris/a",
        description="first",
        metadata=ModelRegistryModelMetadata(pipeline_name="training", extra="x"),
        model_format="pickle",
        model_library="sklearn",
    )
    assert first.version == "1" and first.registered_model.name == "iris"
    assert (first.model_format, first.model_library, first.description) == (
        "pickle",
        "sklearn",
        "first",
    )
    assert first.stage == ModelVersionStage.NONE
    assert first.metadata is not None and first.metadata.pipeline_name == "training"
    assert first.metadata.custom_attributes == {"extra": "x"}
    assert first.created_at is not None and first.created_at.tzinfo is not None
    assert registry.get_model("iris").description is None

    assert registry.register_model_version("iris", model_source_uri="/b").version == "2"
    assert registry.register_model_version("iris", "10", model_source_uri="/c").version == "10"
    assert registry.register_model_version("iris", "rc", model_source_uri="/d").version == "rc"
    assert registry.register_model_version("iris", model_source_uri="/e").version == "11"
    with pytest.raises(EntityExistsError, match="has a version '10' already"):
        registry.register_model_version("iris", "10", model_source_uri="/f")

    for stage in ["Staging", ModelVersionStage.PRODUCTION, ModelVersionStage.ARCHIVED, "None"]:
        moved = registry.update_model_version("iris", "2", stage=stage)
        assert moved.stage == ModelVersionStage(stage)
    changed = registry.update_model_version(
        "iris",
        "1",
        description="best",
        metadata={"run_name": "r7", "note": "kept"},
        remove_metadata=["extra"],
        stage="Production",
    )
    assert changed.description == "best" and changed.stage == ModelVersionStage.PRODUCTION
    assert changed.metadata is not None
    assert changed.metadata.as_strings() == {
        "pipeline_name": "training",
        "run_name": "r7",
        "note": "kept",
    }
    assert changed.model_source_uri == "/models/iris/a"
    assert changed.last_updated_at is not None and first.created_at is not None
    assert changed.last_updated_at >= first.created_at
    assert registry.get_model_version("iris", "1") == changed

    registry.delete_model_version("iris", "11")
    with pytest.raises(
        EntityNotFoundError, match=r"no version '11' \(its versions: 1, 2, 10, rc\)"
    ):
        registry.get_model_version("iris", "11")
    # Numbers are never reused.
    assert registry.register_model_version("iris", model_source_uri="/g").version == "12"
    with pytest.raises(EntityNotFoundError, match="no version '99'"):
        registry.delete_model_version("iris", "99")
    with pytest.raises(EntityNotFoundError, match="no model 'rose'"):
        registry.update_model_version("rose", "1", stage="Staging")


def test_versions_are_filtered_and_ordered(registry: ModelRegistryProxy) -> None:
    made = [
        registry.register_model_version(
            name, model_source_uri=f"/{name}/{i}", metadata={"fold": str(i % 2)}
        )
        for i, name in enumerate(["iris", "iris", "wine", "iris"])
    ]
    registry.update_model_version("iris", "2", stage="Staging")

    def versions(**filters: object) -> list[tuple[str, str]]:
        found = registry.list_model_versions(**filters)  # type: ignore[arg-type]
        return [(v.registered_model.name, v.version) for v in found]

    assert versions() == [("iris", "1"), ("iris", "2"), ("wine", "1"), ("iris", "3")]
    assert versions(name="iris", order_by_date="desc") == [
        ("iris", "3"),
        ("iris", "2"),
        ("iris", "1"),
    ]
    assert versions(name="iris", order_by_date="asc", count=2) == [("iris", "1"), ("iris", "2")]
    assert versions(model_source_uri="/wine/2") == [("wine", "1")]
    assert versions(metadata={"fold": "1"}) == [("iris", "2"), ("iris", "3")]
    assert versions(
        metadata=ModelRegistryModelMetadata(fold="0"), stage=ModelVersionStage.NONE
    ) == [("iris", "1"), ("wine", "1")]
    assert versions(stage="Staging") == [("iris", "2")]
    # Time bounds are inclusive, to the microsecond of the times the registry gave.
    second, third = made[1].created_at, made[2].created_at
    assert second is not None and third is not None
    assert versions(created_after=second, created_before=third) == [("iris", "2"), ("wine", "1")]
    assert versions(created_after=third + timedelta(days=1)) == []
    assert versions(created_before=second.replace(tzinfo=None).astimezone()) == [
        ("iris", "1"),
        ("iris", "2"),
    ]

    latest = registry.get_latest_model_version("iris")
    assert latest is not None and latest.version == "3"
    staged = registry.get_latest_model_version("iris", ModelVersionStage.STAGING)
    assert staged is not None and staged.version == "2"
    assert registry.get_latest_model_version("iris", "Archived") is None
    assert registry.get_latest_model_version("rose") is None


def test_bad_input_is_refused_with_the_reason(client: Client, registry: ModelRegistryProxy) -> None:
    with pytest.raises(ValueError, match="name is empty"):
        registry.register_model("")
    with pytest.raises(ValueError, match="model_source_uri is required"):
        registry.register_model_version("iris")
    with pytest.raises(ValueError, match="version is empty"):
        registry.register_model_version("iris", "", model_source_uri="/a")
    with pytest.raises(ValueError, match="count must be positive"):
        registry.list_model_versions(count=0)
    with pytest.raises(ValueError, match="order_by_date must be 'asc' or 'desc'"):
        registry.list_model_versions(order_by_date="newest")
    with pytest.raises(ValueError, match="unknown stage 'Live'"):
        registry.update_model_version("iris", "1", stage="Live")
    with pytest.raises(TypeError, match="metadata must be a ModelRegistryModelMetadata"):
        registry.register_model_version("iris", model_source_uri="/a", metadata=["x"])  # type: ignore[arg-type]
    with pytest.raises(EntityNotFoundError, match="no model 'iris'"):
        registry.get_model_version("iris", "1")
    with pytest.raises(RuntimeError, match="call it inside a pipeline step"):
        ModelRegistryModelMetadata.for_current_step()
    with pytest.raises(ConfigValidationError, match="must be an absolute folder"):
        client.register_component(REGISTRY, "relative", "local", config={"path": "models"})
    # Nothing was registered by the refused calls.
    assert registry.list_models() == []


def test_a_step_registers_its_model_and_load_reads_it_back(registry: ModelRegistryProxy) -> None:
    run = model_registry_code.fit_and_register()
    artifact = run.steps["fit_slope"].outputs["output"]
    name = model_registry_code.MODEL_NAME
    found = registry.get_model_version(name, "1")
    assert (found.model_source_uri, found.model_format) == (artifact.uri, "pickle")
    assert found.description == "fitted on 3 rows" and found.model_library == "statistics"
    assert found.metadata is not None
    assert (found.metadata.pipeline_name, found.metadata.run_name) == ("fit_and_register", run.name)
    assert (found.metadata.pipeline_run_id, found.metadata.step_name) == (run.id, "register_fitted")
    assert found.metadata.custom_attributes == {"rows": "3"}
    assert registry.get_model_uri_artifact_store(found) == artifact.uri

    model = registry.load_model_version(name, "1")
    assert isinstance(model, Model) and model.n == 3 and model.slope == pytest.approx(1.99, 0.01)
    # A second run is version 2 of the same model; each loads its own run's model.
    second = model_registry_code.fit_and_register()
    latest = registry.get_latest_model_version(name)
    assert latest is not None and latest.version == "2"
    assert latest.model_source_uri == second.steps["fit_slope"].outputs["output"].uri
    assert registry.load_model_version(name, "2") == model


def test_load_reads_artifact_folders_by_format_or_by_their_file(
    client: Client, registry: ModelRegistryProxy
) -> None:
    store = client.active_stack.artifact_store
    folder = f"{store.path}/hand_made/model"
    assert materializers.save(store, folder, {"slope": 2.0}) == "json"
    registry.register_model_version("hand", model_source_uri=folder, model_format="json")
    registry.register_model_version("hand", model_source_uri=f"{folder}/")
    assert registry.load_model_version("hand", "1") == {"slope": 2.0}
    assert registry.load_model_version("hand", "2", artifact_store=store) == {"slope": 2.0}
    with open(Path(folder) / "data.json") as file:
        assert json.load(file) == {"slope": 2.0}

    registry.register_model_version("hand", model_source_uri=folder, model_format="onnx")
    with pytest.raises(ValueError, match="in format 'onnx'; load_model_version reads only"):
        registry.load_model_version("hand", "3")
    registry.register_model_version("hand", model_source_uri=f"{store.path}/empty")
    with pytest.raises(FileNotFoundError, match="holds no pipeline artifact"):
        registry.load_model_version("hand", "4")
    with pytest.raises(EntityNotFoundError, match="no version '5'"):
        registry.load_model_version("hand", "5")


def test_without_a_path_the_registry_lives_in_the_home(client: Client, home: Path) -> None:
    registry = _stack_with(client)
    registry.register_model("iris")
    assert (home / "model_registries" / registry.id / "models.db").is_file()
    assert [m.name for m in registry.list_models()] == ["iris"]


def test_cli_registers_a_registry_and_a_stack_with_it(cli: Cli, tmp_path: Path) -> None:
    cli("model-registry", "register", "reg", "--flavor=local", f"--path={tmp_path / 'reg'}")
    described = cli("model-registry", "describe", "reg").stdout
    assert "local" in described and str(tmp_path / "reg") in described
    assert "path" in cli("model-registry", "flavor", "describe", "local").stdout
    cli("stack", "register", "s", "-o", "default", "-a", "default", "-r", "reg")
    cli("stack", "register", "t", "-o", "default", "-a", "default", "--model-registry", "reg")
    stack = cli("stack", "describe", "s").stdout
    assert "model_registry" in stack and "reg" in stack
    failed = cli("model-registry", "register", "bad", "--flavor=local", "--path=rel", ok=False)
    assert "must be an absolute folder" in failed.stderr
