"""The model deployer type end to end: the `local` flavor's sidecar serving models from child
processes, the SDK proxy reading models from the artifact store, real HTTP predictions on
127.0.0.1, and the CLI."""

from __future__ import annotations

import json
import os
import pickle
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError, EntityNotFoundError
from flavorhost.model_deployers import ModelArtifact, ModelServiceConfig, ServiceState
from flavorhost.pipelines import materializers
from flavorhost.proxies.model_deployer import ModelDeployerProxy
from tests.conftest import REPO, Cli, stop_host
from tests.integration.deployable_models import Doubler

DEPLOYER = StackComponentType.MODEL_DEPLOYER
LINEAR = {"coef": [2.0, 3.0], "intercept": 1.0}
GONE_DEADLINE_SECONDS = 30


def _deployer(client: Client, tmp_path: Path) -> ModelDeployerProxy:
    config = {"path": str(tmp_path / "services"), "python_path": [str(REPO)]}
    client.register_component(DEPLOYER, "serving", "local", config=config)
    client.register_stack(
        "deploying", {StackComponentType.ARTIFACT_STORE: "default", DEPLOYER: "serving"}
    )
    client.activate_stack("deploying")
    deployer = client.active_stack.model_deployer
    assert deployer is not None
    return deployer


def _artifact(client: Client, name: str, value: Any) -> str:
    """Writes `value` as a step output would be written; returns its artifact folder."""
    store = client.active_stack.artifact_store
    folder = f"{store.path}/run_1/train/{name}"
    materializers.save(store, folder, value)
    return folder


def _gone(pid: int) -> bool:
    """Whether the process `pid` no longer runs (polled with a deadline)."""
    deadline = time.monotonic() + GONE_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return True  # exited; its parent has yet to reap it
        time.sleep(0.05)
    return False


def _refused(url: str) -> bool:
    try:
        urllib.request.urlopen(url.replace("/predict", "/health"), timeout=5).close()
    except urllib.error.URLError:
        return True
    return False


def test_deploy_predict_stop_start_and_delete(client: Client, tmp_path: Path) -> None:
    deployer = _deployer(client, tmp_path)
    uri = _artifact(client, "model", LINEAR)
    config = ModelServiceConfig(pipeline_name="training", model_name="price", model_uri=uri)
    service = deployer.deploy_model(config, timeout=60)
    assert service.is_running and service.prediction_url.startswith("http://127.0.0.1:")
    assert service.predict([[1.0, 1.0], [0.0, 2.0]]) == [6.0, 7.0]

    [found] = deployer.find_model_server(running=True, model_name="price")
    assert found.uuid == service.uuid and found.config.model_uri == uri
    assert deployer.find_model_server(model_name="other") == []
    info = deployer.get_model_server_info(found)
    assert info["PREDICTION_URL"] == service.prediction_url and info["MODEL_URI"] == uri
    pid = int(info["PID"] or 0)

    deployer.stop_model_server(service.uuid, timeout=10)
    [stopped] = deployer.find_model_server(service_uuid=service.uuid)
    assert stopped.status.state == ServiceState.INACTIVE and stopped.prediction_url == ""
    assert _gone(pid) and _refused(service.prediction_url)
    with pytest.raises(ValueError, match="start_model_server"):
        stopped.predict([[1.0, 1.0]])
    assert deployer.find_model_server(running=True) == []

    deployer.start_model_server(str(service.uuid), timeout=60)
    restarted = deployer.get_service(service.uuid)
    assert restarted.is_running and restarted.predict([[1.0, 0.0]]) == [3.0]
    pid = int(deployer.get_model_server_info(restarted)["PID"] or 0)

    deployer.delete_model_server(service.uuid)
    assert deployer.find_model_server() == [] and _gone(pid)
    with pytest.raises(EntityNotFoundError, match="find_model_server"):
        deployer.start_model_server(service.uuid)


def test_replace_keeps_the_uuid_and_pickled_models_serve(client: Client, tmp_path: Path) -> None:
    deployer = _deployer(client, tmp_path)
    first = deployer.deploy_model(
        {"model_name": "m", "model_uri": _artifact(client, "linear", LINEAR)}, timeout=60
    )
    beside = deployer.deploy_model(
        {"model_name": "m", "model_uri": _artifact(client, "linear", LINEAR)}, timeout=60
    )
    assert beside.uuid != first.uuid
    deployer.delete_model_server(beside.uuid)

    uri = _artifact(client, "doubler", Doubler(10.0))  # not JSON: written as data.pkl
    replaced = deployer.deploy_model({"model_name": "m", "model_uri": uri}, replace=True)
    assert replaced.uuid == first.uuid and replaced.prediction_url != first.prediction_url
    assert replaced.predict([[1, 2], [3]]) == [30.0, 30.0]
    assert [s.uuid for s in deployer.find_model_server()] == [first.uuid]
    assert _refused(first.prediction_url)

    # The model's bytes may also be given directly, in a documented format.
    direct = ModelArtifact("json", json.dumps({"coef": [1.0]}).encode())
    service = deployer.deploy_model(ModelServiceConfig(model_name="direct"), model=direct)
    assert service.predict([[4.0]]) == [4.0]
    assert len(deployer.find_model_server()) == 2


def test_servers_end_with_their_sidecar_and_are_listed_after(
    client: Client, home: Path, tmp_path: Path
) -> None:
    deployer = _deployer(client, tmp_path)
    service = deployer.deploy_model({"model_uri": _artifact(client, "model", LINEAR)})
    pid = int(deployer.get_model_server_info(service)["PID"] or 0)
    stop_host(home)  # stops the sidecar too
    assert _gone(pid) and _refused(service.prediction_url)

    with Client(home) as again:
        deployer = again.active_stack.model_deployer
        assert deployer is not None
        [listed] = deployer.find_model_server()
        assert listed.uuid == service.uuid and listed.status.state == ServiceState.INACTIVE
        assert "start_model_server" in listed.status.last_error
        deployer.start_model_server(listed.uuid, timeout=60)
        assert deployer.get_service(listed.uuid).predict([[0.0, 0.0]]) == [1.0]
        deployer.delete_model_server(listed.uuid, force=True)


def test_bad_models_and_calls_say_what_to_fix(client: Client, tmp_path: Path) -> None:
    deployer = _deployer(client, tmp_path)
    store = client.active_stack.artifact_store
    with pytest.raises(ValueError, match="no model_uri"):
        deployer.deploy_model(ModelServiceConfig(model_name="m"))
    with pytest.raises(FileNotFoundError, match="not in artifact store"):
        deployer.deploy_model({"model_uri": f"{store.path}/nowhere"})
    store.makedirs(f"{store.path}/empty")
    with pytest.raises(FileNotFoundError, match=r"without data\.json or data\.pkl"):
        deployer.deploy_model({"model_uri": f"{store.path}/empty"})
    with pytest.raises(ValueError, match="coef"):
        deployer.deploy_model({"model_uri": _artifact(client, "bad", {"weights": [1]})})
    with pytest.raises(ValueError, match="'colour' is not one of its fields"):
        deployer.deploy_model({"colour": "red", "model_uri": _artifact(client, "m", LINEAR)})
    with pytest.raises(ValueError, match="does not serve 'onnx' models; it serves json, pickle"):
        deployer.deploy_model({}, model=ModelArtifact("onnx", b"\0"))
    # A pickle whose class the server cannot import: the server's own error comes back.
    unknown = pickle.dumps(Doubler()).replace(b"deployable_models", b"missing_module_xx")
    with pytest.raises(
        ValueError, match=r"No module named 'tests\.integration\.missing_module_xx'"
    ):
        deployer.deploy_model({}, model=ModelArtifact("pickle", unknown))
    assert deployer.find_model_server() == []

    service = deployer.deploy_model({"model_uri": _artifact(client, "m", LINEAR)})
    with pytest.raises(ValueError, match="instance 0 must be a list of 2 numbers"):
        service.predict([[1.0]])
    with pytest.raises(EntityNotFoundError, match="has no model server"):
        deployer.stop_model_server("00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValueError, match="not a model server uuid"):
        deployer.delete_model_server("nope")
    deployer.delete_model_server(service.uuid)


def test_a_relative_path_is_refused_and_stacks_lack_a_deployer(client: Client) -> None:
    assert client.active_stack.model_deployer is None
    with pytest.raises(ConfigValidationError, match="must be an absolute directory"):
        client.register_component(DEPLOYER, "bad", "local", config={"path": "relative/dir"})


def test_cli_registers_and_describes_a_model_deployer(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "served"
    cli("model-deployer", "register", "serving", "--flavor=local", f"--path={path}")
    described = cli("model-deployer", "describe", "serving").stdout
    assert "local" in described and str(path) in described
    flavor = cli("model-deployer", "flavor", "describe", "local").stdout
    assert "python_path" in flavor
    cli("stack", "register", "deploying", "-a", "default", "-d", "serving")
    cli("stack", "set", "deploying")
    with Client(cli.home) as client:
        deployer = client.active_stack.model_deployer
        assert deployer is not None
        service = deployer.deploy_model({}, model=ModelArtifact("json", b'{"coef": [1, 1]}'))
        assert service.predict([[1, 2]]) == [3]
        assert (path / str(service.uuid) / "model.json").is_file()
        deployer.delete_model_server(service.uuid)
