"""A model server process: loads one model and answers `POST /predict` on 127.0.0.1.

    python -m flavorhost.flavors.local_model_deployer.model_server MODEL_FILE FORMAT

Binds a free port, writes `PORT <n>` to stdout, and serves until its stdin reaches end of file:
the deployer holds the other end, so the server stops when the deployer's process ends, however
it ends.
"""

from __future__ import annotations

import json
import logging
import pickle
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Predict = Callable[[list[Any]], list[Any]]


def linear_model(spec: Any) -> Predict:
    """The predict function of a JSON linear model; ValueError saying what is wrong."""
    if not isinstance(spec, dict) or "coef" not in spec:
        raise ValueError(
            'a json model must be an object {"coef": [w1, ..., wn], "intercept": b}, '
            f"not {json.dumps(spec)[:80]}"
        )
    unknown = sorted(set(spec) - {"coef", "intercept"})
    if unknown:
        raise ValueError(f"a json model has only coef and intercept, not {', '.join(unknown)}")
    coef, intercept = spec["coef"], spec.get("intercept", 0.0)
    if not isinstance(coef, list) or not coef or not all(_number(w) for w in coef):
        raise ValueError("a json model's coef must be a non-empty list of numbers")
    if not _number(intercept):
        raise ValueError("a json model's intercept must be a number")

    def predict(instances: list[Any]) -> list[Any]:
        out = []
        for index, row in enumerate(instances):
            if not isinstance(row, list) or len(row) != len(coef) or not all(map(_number, row)):
                raise ValueError(
                    f"instance {index} must be a list of {len(coef)} numbers, not {row!r}"
                )
            out.append(sum(w * x for w, x in zip(coef, row, strict=True)) + intercept)
        return out

    return predict


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def load(path: Path, fmt: str) -> Predict:
    """The predict function of the model in `path`."""
    if fmt == "json":
        return linear_model(json.loads(path.read_bytes()))
    model = pickle.loads(path.read_bytes())
    method = getattr(model, "predict", None)
    if not callable(method):
        raise ValueError(f"the pickled {type(model).__name__} has no predict() method")

    def predict(instances: list[Any]) -> list[Any]:
        result = method(instances)
        result = result.tolist() if hasattr(result, "tolist") else result
        return list(result)

    return predict


def handler(predict: Predict) -> type[BaseHTTPRequestHandler]:
    """The request handler serving `predict`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/health":
                self._answer(HTTPStatus.NOT_FOUND, {"error": "GET /health or POST /predict"})
                return
            self._answer(HTTPStatus.OK, {"status": "ok"})

        def do_POST(self) -> None:
            if self.path != "/predict":
                self._answer(HTTPStatus.NOT_FOUND, {"error": "POST /predict"})
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                instances = body["instances"] if isinstance(body, dict) else None
                if not isinstance(instances, list):
                    raise ValueError('post {"instances": [...]}, a JSON list of instances')
                predictions = predict(instances)
                self._answer(HTTPStatus.OK, {"predictions": predictions})
            except (ValueError, TypeError) as error:
                self._answer(HTTPStatus.BAD_REQUEST, {"error": str(error)})
            except Exception as error:  # the model's own failure, reported to the caller
                logger.exception("predict failed")
                message = f"{type(error).__name__}: {error}"
                self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": message})

        def _answer(self, status: HTTPStatus, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.info(format, *args)

    return Handler


def main() -> None:
    """Loads the model, prints the port, serves until stdin closes."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    model_file, fmt = Path(sys.argv[1]), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(load(model_file, fmt)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()
    sys.stdin.buffer.read()  # returns at end of file: the deployer stopped us, or is gone
    logger.info("stdin closed; stopping")
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
