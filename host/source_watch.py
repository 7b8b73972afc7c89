"""Noticing edits to a flavor's source files, so its sidecar restarts with the new code.

A flavor registered from a source root is watched through the top-level package (or module) of
its dotted path: every `.py` file below it, by modification time and size.
"""

from __future__ import annotations

import os
from pathlib import Path

Snapshot = tuple[tuple[str, int, int], ...]


class SourceWatch:
    """The `.py` files of one flavor's top-level package, and whether they changed."""

    def __init__(self, source: str, source_root: str) -> None:
        top = source.split(".")[0]
        root = Path(source_root)
        self._package = root / top if (root / top).is_dir() else None
        self._module = root / f"{top}.py"
        self._snapshot = self._take()

    def _take(self) -> Snapshot:
        if self._package is not None:
            files = [
                os.path.join(folder, name)
                for folder, _, names in os.walk(self._package)
                for name in names
                if name.endswith(".py")
            ]
        else:
            files = [str(self._module)]
        entries = []
        for path in sorted(files):
            try:
                info = os.stat(path)
            except OSError:
                continue
            entries.append((path, info.st_mtime_ns, info.st_size))
        return tuple(entries)

    def changed(self) -> bool:
        """Whether any file was edited, added or removed since the watch began."""
        return self._take() != self._snapshot
