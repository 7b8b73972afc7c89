"""The `local` annotator's labeling interface: a small HTTP server (standard library) over a
TaskStore, run on a thread of the sidecar.

Pages for people: `GET /` lists the datasets, `GET /datasets/NAME` lists the tasks with a form
per task (`POST /datasets/NAME/tasks/ID`, form field `label`, answered by a redirect to the
page). JSON for programs: `GET /api/datasets`, `GET /api/datasets/NAME`, and
`POST /api/datasets/NAME/tasks/ID` with `{"label": "cat"}` (null unlabels), answered with the
task.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from flavorhost.errors import EntityNotFoundError
from flavorhost.flavors.local_annotator.task_store import TaskStore, summary

logger = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 5.0
MAX_BODY_BYTES = 1 << 20


class AnnotationServer:
    """Serves a TaskStore's labeling interface until `close()`."""

    def __init__(self, store: TaskStore, host: str, port: int) -> None:
        handler = type("Handler", (_Handler,), {"store": store})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self._server.server_port}/"
        # A daemon thread: it must not keep a stopping sidecar alive if close() is never called.
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="annotation-ui", daemon=True
        )
        self._thread.start()
        logger.info("serving the annotation interface at %s", self.url)

    def close(self) -> None:
        """Stops serving and frees the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(STOP_TIMEOUT_SECONDS)
        logger.info("stopped the annotation interface at %s", self.url)


class _Handler(BaseHTTPRequestHandler):
    store: TaskStore

    def do_GET(self) -> None:
        parts = _parts(self.path)
        try:
            if parts == []:
                self._html(_index_page(self.store))
            elif len(parts) == 2 and parts[0] == "datasets":
                self._html(_dataset_page(self.store.load(parts[1])))
            elif parts == ["api", "datasets"]:
                names = self.store.names()
                self._json([summary(self.store.load(name)) for name in names])
            elif len(parts) == 3 and parts[:2] == ["api", "datasets"]:
                self._json(self.store.load(parts[2]))
            else:
                self._error(HTTPStatus.NOT_FOUND, f"no page {self.path}")
        except Exception as error:
            self._failed(error)

    def do_POST(self) -> None:
        parts = _parts(self.path)
        try:
            if len(parts) == 4 and parts[0] == "datasets" and parts[2] == "tasks":
                form = parse_qs(self._body().decode("utf-8"))
                label = (form.get("label") or [""])[0].strip() or None
                self.store.set_label(parts[1], _task_id(parts[3]), label)
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", f"/datasets/{quote(parts[1])}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif len(parts) == 5 and parts[:2] == ["api", "datasets"] and parts[3] == "tasks":
                body = json.loads(self._body() or b"{}")
                label = body.get("label") if isinstance(body, dict) else None
                if label is not None and not isinstance(label, str):
                    raise ValueError('send {"label": "TEXT"} or {"label": null}')
                self._json(self.store.set_label(parts[2], _task_id(parts[4]), label))
            else:
                self._error(HTTPStatus.NOT_FOUND, f"nothing to post to at {self.path}")
        except Exception as error:
            self._failed(error)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError(f"the request body is over {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, EntityNotFoundError):
            self._error(HTTPStatus.NOT_FOUND, str(error))
        elif isinstance(error, ValueError):
            self._error(HTTPStatus.BAD_REQUEST, str(error))
        else:
            logger.exception("the annotation interface failed on %s", self.path)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(error).__name__}: {error}")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "application/json", json.dumps({"error": message}).encode())

    def _json(self, value: Any) -> None:
        self._send(HTTPStatus.OK, "application/json", json.dumps(value).encode())

    def _html(self, page: str) -> None:
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode())

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _parts(path: str) -> list[str]:
    return [unquote(part) for part in urlsplit(path).path.split("/") if part]


def _task_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"task ids are numbers, not {text!r}") from None


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def _index_page(store: TaskStore) -> str:
    items = []
    for name in store.names():
        info = summary(store.load(name))
        link = f"/datasets/{quote(name)}"
        items.append(
            f"<li><a href='{html.escape(link)}'>{html.escape(name)}</a>: "
            f"{info['labeled']} of {info['tasks']} labeled</li>"
        )
    return _page("Datasets", f"<ul>{''.join(items)}</ul>" if items else "<p>No datasets.</p>")


def _dataset_page(dataset: dict[str, Any]) -> str:
    name = dataset["name"]
    labels = dataset["labels"]
    rows = []
    for task in dataset["tasks"]:
        action = html.escape(f"/datasets/{quote(name)}/tasks/{task['id']}")
        current = task["label"] or ""
        if labels:
            options = "".join(
                f"<option{' selected' if label == current else ''}>{html.escape(label)}</option>"
                for label in ["", *labels]
            )
            field = f"<select name='label'>{options}</select>"
        else:
            field = f"<input name='label' value='{html.escape(current)}'>"
        rows.append(
            f"<tr><td>{task['id']}</td><td><pre>{html.escape(json.dumps(task['data']))}</pre>"
            f"</td><td><form method='post' action='{action}'>{field}"
            "<button>Save</button></form></td></tr>"
        )
    table = "<table><tr><th>task</th><th>data</th><th>label</th></tr>" + "".join(rows) + "</table>"
    return _page(f"Dataset {name}", "<p><a href='/'>All datasets</a></p>" + table)
