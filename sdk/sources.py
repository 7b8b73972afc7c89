"""Importing flavor classes from dotted paths, relative to a source root.

The source root is the nearest folder upward holding `.flavorhost/` (made by `flavorhost init`),
else the current directory, as ZenML resolves flavors from where `zenml init` ran.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

from flavorhost.errors import FlavorSourceError
from flavorhost.stack.flavor import Flavor

MARKER = ".flavorhost"
# `flavorhost init` writes this file inside MARKER; the file, not the folder, marks a source root,
# since ~/.flavorhost is also the default state folder.
MARKER_FILE = "source-root"


def mark_source_root(folder: Path) -> None:
    """Makes `folder` a source root (what `flavorhost init` does)."""
    (folder / MARKER).mkdir(parents=True, exist_ok=True)
    (folder / MARKER / MARKER_FILE).write_text(
        "Made by `flavorhost init`: dotted flavor paths resolve from the folder above.\n"
    )


def find_source_root(start: Path | None = None) -> Path:
    """The nearest folder from `start` upward marked by `flavorhost init`, else `start`."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / MARKER / MARKER_FILE).is_file():
            return folder
    return here


def import_flavor_class(source: str, source_root: str | None) -> type[Flavor]:
    """Imports the Flavor class at a dotted path, with `source_root` first on sys.path."""
    module_name, _, class_name = source.rpartition(".")
    if not module_name or not class_name:
        raise FlavorSourceError(
            f"{source!r} is not a dotted path to a class; write it as "
            "'package.module.FlavorClass', e.g. 'flavors.my_flavor.MyS3ArtifactStoreFlavor'"
        )
    if source_root and source_root not in sys.path:
        sys.path.insert(0, source_root)
    where = f"source root {source_root}" if source_root else "the installed packages"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if module_name == missing or module_name.startswith(f"{missing}."):
            raise FlavorSourceError(
                f"cannot find module {module_name!r} from {where}: {error}. Run the command from "
                "the folder the dotted path starts in, or run `flavorhost init` there once"
            ) from error
        raise FlavorSourceError(
            f"importing {module_name!r} failed because module {missing!r} is not installed. "
            "As the guide advises, keep heavy dependencies out of the flavor and config modules: "
            "import the implementation class only inside the flavor's `implementation_class` "
            "property"
        ) from error
    except Exception as error:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        raise FlavorSourceError(f"importing {module_name!r} raised {last}") from error
    flavor_class = getattr(module, class_name, None)
    if flavor_class is None:
        raise FlavorSourceError(f"module {module_name!r} has no attribute {class_name!r}")
    if not (isinstance(flavor_class, type) and issubclass(flavor_class, Flavor)):
        raise FlavorSourceError(f"{source!r} is not a subclass of flavorhost.stack.Flavor")
    return flavor_class
