"""The annotator type end to end: the `local` flavor's sidecar, the SDK proxy, the labeling
interface it serves on 127.0.0.1, and the CLI."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from flavorhost import Client
from flavorhost.enums import StackComponentType
from flavorhost.errors import ConfigValidationError, EntityExistsError, EntityNotFoundError
from flavorhost.proxies.annotator import AnnotatorProxy
from tests.conftest import Cli, stop_host

ANNOTATOR = StackComponentType.ANNOTATOR
HTTP_TIMEOUT_SECONDS = 10
PETS = [{"text": "meow"}, {"text": "woof"}, {"text": "purr"}]


def _annotator(client: Client, tmp_path: Path) -> AnnotatorProxy:
    client.register_component(ANNOTATOR, "labels", "local", config={"path": str(tmp_path / "t")})
    client.register_stack(
        "with-annotator", {StackComponentType.ARTIFACT_STORE: "default", ANNOTATOR: "labels"}
    )
    client.activate_stack("with-annotator")
    annotator = client.active_stack.annotator
    assert annotator is not None
    return annotator


def _post(url: str, body: bytes, content_type: str) -> Any:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as reply:
        text = reply.read()
        return json.loads(text) if reply.headers.get_content_type() == "application/json" else text


def _label(url: str, dataset: str, task: int, label: str | None) -> Any:
    body = json.dumps({"label": label}).encode()
    return _post(f"{url}api/datasets/{dataset}/tasks/{task}", body, "application/json")


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as reply:
        return reply.headers.get_content_type(), reply.read()


def test_datasets_are_added_listed_and_deleted(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    assert annotator.get_dataset_names() == []
    added = annotator.add_dataset("pets", labels=["cat", "dog"], tasks=PETS)
    assert added["name"] == "pets" and added["labels"] == ["cat", "dog"]
    assert [task["data"] for task in added["tasks"]] == PETS
    annotator.add_dataset(dataset_name="notes", tasks=[{"text": "free text"}])
    assert annotator.get_dataset_names() == ["notes", "pets"]
    assert annotator.get_datasets() == [
        {"name": "notes", "labels": [], "tasks": 1, "labeled": 0, "unlabeled": 1},
        {"name": "pets", "labels": ["cat", "dog"], "tasks": 3, "labeled": 0, "unlabeled": 3},
    ]
    assert annotator.get_dataset(dataset_name="pets") == added
    assert annotator.get_dataset_stats("pets") == (0, 3)
    assert annotator.get_unlabeled_data("pets") == added["tasks"]
    assert annotator.get_labeled_data("pets") == []
    annotator.delete_dataset(dataset_name="notes")
    assert annotator.get_dataset_names() == ["pets"]
    assert (tmp_path / "t" / "pets.json").is_file()


def test_labels_given_in_the_interface_reach_the_proxy(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.add_dataset("pets", labels=["cat", "dog"], tasks=PETS)
    annotator.launch()
    url = annotator.get_url()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    assert annotator.get_url_for_dataset("pets") == f"{url}datasets/pets"

    assert _label(url, "pets", 1, "cat") == {"id": 1, "data": PETS[0], "label": "cat"}
    # The HTML form, as a browser sends it; the server answers with a redirect to the page.
    form = urllib.parse.urlencode({"label": "dog"}).encode()
    page = _post(f"{url}datasets/pets/tasks/2", form, "application/x-www-form-urlencoded")
    assert b"Dataset pets" in page and b"woof" in page

    assert annotator.get_dataset_stats("pets") == (2, 1)
    assert annotator.get_labeled_data("pets") == [
        {"id": 1, "data": PETS[0], "label": "cat"},
        {"id": 2, "data": PETS[1], "label": "dog"},
    ]
    assert annotator.get_unlabeled_data("pets") == [{"id": 3, "data": PETS[2], "label": None}]
    _label(url, "pets", 1, None)
    assert annotator.get_dataset_stats("pets") == (1, 2)

    content_type, index = _get(url)
    assert content_type == "text/html" and b"pets" in index and b"1 of 3 labeled" in index
    content_type, listed = _get(f"{url}api/datasets")
    assert json.loads(listed) == annotator.get_datasets()


def test_the_interface_refuses_bad_labels_and_unknown_tasks(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.add_dataset("pets", labels=["cat", "dog"], tasks=PETS)
    annotator.launch()
    url = annotator.get_url()
    with pytest.raises(urllib.error.HTTPError) as refused:
        _label(url, "pets", 1, "parrot")
    assert refused.value.code == 400
    assert "'parrot' is not one of dataset 'pets'" in json.loads(refused.value.read())["error"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        _label(url, "pets", 99, "cat")
    assert missing.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as unknown:
        _get(f"{url}datasets/nope")
    assert unknown.value.code == 404
    assert annotator.get_dataset_stats("pets") == (0, 3)


def test_launch_twice_keeps_one_interface(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.launch()
    url = annotator.get_url()
    annotator.launch()
    assert annotator.get_url() == url


def test_the_interface_stops_when_the_component_changes(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.launch()
    url = annotator.get_url()
    client.update_component(ANNOTATOR, "labels", config={"path": str(tmp_path / "other")})
    with pytest.raises(ValueError, match="call launch\\(\\) first"):
        client.active_stack.annotator.get_url()  # type: ignore[union-attr]
    with pytest.raises(urllib.error.URLError):
        _get(url)


def test_the_interface_stops_with_the_sidecar(client: Client, home: Path, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.add_dataset("pets", tasks=PETS)
    annotator.launch()
    url = annotator.get_url()
    assert _get(url)[0] == "text/html"
    client.close()
    stop_host(home)  # stops its sidecars, and waits for it to exit
    with pytest.raises(urllib.error.URLError):
        _get(url)


def test_launch_at_a_given_url(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    annotator.launch("http://127.0.0.1:0")
    assert annotator.get_url().startswith("http://127.0.0.1:")
    with pytest.raises(ValueError, match=r"launch\(url=...\) takes http://HOST:PORT"):
        annotator.launch("ftp://127.0.0.1:21")


def test_bad_calls_say_what_is_wrong_and_how_to_fix_it(client: Client, tmp_path: Path) -> None:
    annotator = _annotator(client, tmp_path)
    with pytest.raises(ValueError, match="serves no interface yet: call launch\\(\\) first"):
        annotator.get_url()
    with pytest.raises(EntityNotFoundError, match=r"no dataset 'nope'.*add_dataset"):
        annotator.get_dataset("nope")
    with pytest.raises(EntityNotFoundError, match="no dataset 'nope'"):
        annotator.get_dataset_stats("nope")
    with pytest.raises(EntityNotFoundError):
        annotator.delete_dataset("nope")
    with pytest.raises(ValueError, match=r"dataset name '../up' is not allowed"):
        annotator.add_dataset("../up", tasks=PETS)
    with pytest.raises(ValueError, match="dataset_name is empty"):
        annotator.get_labeled_data("")
    with pytest.raises(ValueError, match="'colour' is not one of its fields \\(labels, tasks\\)"):
        annotator.add_dataset("pets", colour="red")
    with pytest.raises(ValueError, match=r"'tasks.0'"):
        annotator.add_dataset("pets", tasks=["not an object"])
    with pytest.raises(ValueError, match="'page' is not one of its fields"):
        annotator.get_labeled_data("pets", page=2)
    with pytest.raises(ValueError, match="must be JSON-like"):
        annotator.add_dataset("pets", tasks=[{"when": object()}])
    annotator.add_dataset("pets", tasks=PETS)
    with pytest.raises(EntityExistsError, match="dataset 'pets' exists already"):
        annotator.add_dataset("pets", tasks=PETS)


def test_a_relative_path_is_refused_with_an_example(client: Client) -> None:
    with pytest.raises(ConfigValidationError, match="must be an absolute local directory"):
        client.register_component(ANNOTATOR, "bad", "local", config={"path": "tasks"})
    assert client.list_components(ANNOTATOR) == []


def test_a_stack_without_an_annotator_has_none(client: Client) -> None:
    assert client.active_stack.annotator is None


def test_cli_registers_and_describes_an_annotator(cli: Cli, tmp_path: Path) -> None:
    described = cli("annotator", "flavor", "describe", "local").stdout
    assert "path" in described and "port" in described
    cli("annotator", "register", "team", "--flavor=local", f"--path={tmp_path / 'tasks'}")
    assert "local" in cli("annotator", "describe", "team").stdout
    cli("stack", "register", "labeling", "-a", "default", "-an", "team")
    cli("stack", "set", "labeling")
    with Client(cli.home) as client:
        annotator = client.active_stack.annotator
        assert annotator is not None and annotator.name == "team"
        annotator.add_dataset("from-cli", tasks=[{"n": 1}])
        assert annotator.get_dataset_stats("from-cli") == (0, 1)
