"""`make demo`: the guide's walkthrough with flavorhost, end to end, in a fresh state folder.

Registers the custom `file_url` flavor from this folder's `flavors` package, a component and a
stack, then runs pipeline.py, which writes and reads an artifact through the host and the
flavor's sidecar. Then it adds an experiment tracker and an alerter (whose webhook is a small
HTTP server in this process standing in for a chat service, approving what it is asked) and runs
training_pipeline.py: load data, train, evaluate, alert, each step in its own process. Everything
happens in a temporary FLAVORHOST_HOME that is removed at the end.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
FLAVORHOST = str(Path(sys.executable).with_name("flavorhost"))


def run(*argv: str) -> None:
    """Runs a command in this folder, echoing it like a terminal session."""
    shown = ["flavorhost", *argv[1:]] if argv[0] == FLAVORHOST else list(argv)
    print(f"\n$ {shlex.join(shown)}", flush=True)
    subprocess.run(argv, cwd=HERE, check=True, timeout=300)


class ChatBridge(BaseHTTPRequestHandler):
    """A chat service's webhook and answers endpoint: prints messages, approves questions."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        print(f"  [chat] {body['kind']}: {body['text']}", flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        question = parse_qs(urlsplit(self.path).query).get("question_id", ["?"])[0]
        print(f"  [chat] a person answers question {question[:8]}: approve", flush=True)
        body = json.dumps({"answer": "approve"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def javascript_store(root: Path) -> None:
    """The same pipeline process against `node_local`, an artifact store written in JavaScript
    and declared by manifest, then the conformance kit against it."""
    if shutil.which("node") is None:
        print(
            "\n(node is not on PATH: skipping the node_local artifact store, written in JavaScript)"
        )
        return
    run(FLAVORHOST, "artifact-store", "flavor", "describe", "node_local")
    run(FLAVORHOST, "artifact-store", "register", "js_store", "-f", "node_local", f"--path={root}")
    run(FLAVORHOST, "stack", "register", "js_stack", "-a", "js_store")
    run(FLAVORHOST, "stack", "set", "js_stack")
    run(sys.executable, "pipeline.py")
    run(FLAVORHOST, "conformance", "artifact-store", "--component", "js_store", "--large-mib", "8")


def main() -> None:
    home = tempfile.mkdtemp(prefix="fh-demo-")
    os.environ["FLAVORHOST_HOME"] = home
    store = Path(home) / "store"
    print(f"FLAVORHOST_HOME={home}")
    try:
        run(FLAVORHOST, "init")
        run(
            FLAVORHOST,
            "artifact-store",
            "flavor",
            "register",
            "flavors.file_url_flavor.FileUrlArtifactStoreFlavor",
        )
        run(FLAVORHOST, "artifact-store", "flavor", "list")
        run(FLAVORHOST, "artifact-store", "flavor", "describe", "file_url")
        run(
            FLAVORHOST,
            "artifact-store",
            "register",
            "my_store",
            "--flavor=file_url",
            f"--path=file://{store}",
        )
        run(FLAVORHOST, "stack", "register", "my_stack", "-a", "my_store")
        run(FLAVORHOST, "stack", "set", "my_stack")
        run(FLAVORHOST, "stack", "describe")
        run(sys.executable, "pipeline.py")
        run(FLAVORHOST, "host", "status")

        chat = ThreadingHTTPServer(("127.0.0.1", 0), ChatBridge)
        threading.Thread(target=chat.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{chat.server_address[1]}"
        tracking = Path(home) / "tracking"
        run(
            FLAVORHOST,
            "experiment-tracker",
            "register",
            "my_tracker",
            "--flavor=file",
            f"--root={tracking}",
        )
        run(
            FLAVORHOST,
            "alerter",
            "register",
            "my_chat",
            "--flavor=webhook",
            f"--webhook_url={url}/hook",
            f"--answers_url={url}/answers",
        )
        run(
            FLAVORHOST,
            "stack",
            "register",
            "ml_stack",
            "-o",
            "default",
            "-a",
            "my_store",
            "-e",
            "my_tracker",
            "-al",
            "my_chat",
        )
        run(FLAVORHOST, "stack", "set", "ml_stack")
        run(sys.executable, "training_pipeline.py")
        run(FLAVORHOST, "pipeline", "runs", "list")
        chat.shutdown()
        javascript_store(Path(home) / "js_store")
    finally:
        run(FLAVORHOST, "host", "stop")
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(HERE / ".flavorhost", ignore_errors=True)
    print("\nDemo complete.")


if __name__ == "__main__":
    main()
