"""Where a step's function lives, so that another process can import it.

A function defined in the script that was started (`__main__`) is named by the script's path
relative to the source root (as ZenML does), so the step process imports the script as a module:
code at the script's top level runs again there, which is why a pipeline call belongs under
`if __name__ == "__main__":`.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import Any

from flavorhost.pipelines.snapshot import SourceRef
from flavorhost.sources import find_source_root


def source_of(function: Any) -> SourceRef:
    """The importable location of a module-level function."""
    qualname = function.__qualname__
    if "<locals>" in qualname:
        raise ValueError(
            f"step {qualname!r} is defined inside a function; define steps at a module's top "
            "level so that the step's own process can import them"
        )
    module = sys.modules.get(function.__module__)
    file = getattr(module, "__file__", None)
    if file is None:
        raise ValueError(
            f"step {qualname!r} comes from {function.__module__!r}, which has no file (an "
            "interactive session?); define steps in a .py file"
        )
    path = Path(file).resolve()
    if function.__module__ == "__main__":
        root = find_source_root()
        try:
            relative = path.relative_to(root.resolve())
        except ValueError:
            return SourceRef(module=path.stem, attribute=qualname, source_root=str(path.parent))
        name = ".".join(relative.with_suffix("").parts)
        return SourceRef(module=name, attribute=qualname, source_root=str(root))
    depth = function.__module__.count(".") + (1 if path.stem == "__init__" else 0)
    return SourceRef(
        module=function.__module__, attribute=qualname, source_root=str(path.parents[depth])
    )


def load(source: SourceRef) -> Any:
    """Imports the object a SourceRef names."""
    if source.source_root not in sys.path:
        sys.path.insert(0, source.source_root)
    try:
        target: Any = importlib.import_module(source.module)
    except Exception as error:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        raise ImportError(
            f"cannot import {source.module!r} from {source.source_root}: {last}"
        ) from error
    for part in source.attribute.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ImportError(f"module {source.module!r} has no {source.attribute!r}")
    return target
