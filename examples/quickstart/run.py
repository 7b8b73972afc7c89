"""`make demo`: the guide's walkthrough with flavorhost, end to end, in a fresh state folder.

Registers the custom `file_url` flavor from this folder's `flavors` package, a component and a
stack, then runs pipeline.py, which writes and reads an artifact through the host and the
flavor's sidecar. Everything happens in a temporary FLAVORHOST_HOME that is removed at the end.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAVORHOST = str(Path(sys.executable).with_name("flavorhost"))


def run(*argv: str) -> None:
    """Runs a command in this folder, echoing it like a terminal session."""
    shown = ["flavorhost", *argv[1:]] if argv[0] == FLAVORHOST else list(argv)
    print(f"\n$ {shlex.join(shown)}", flush=True)
    subprocess.run(argv, cwd=HERE, check=True, timeout=300)


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
    finally:
        run(FLAVORHOST, "host", "stop")
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(HERE / ".flavorhost", ignore_errors=True)
    print("\nDemo complete.")


if __name__ == "__main__":
    main()
