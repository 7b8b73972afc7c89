"""Loads flavor classes into the host for their name, type and config class only.

Flavors from different source roots may share module names (every user has a `flavors`
package), so modules imported from a source root are taken out of `sys.modules` again after each
load: the next load, from any root, imports that root's own files. A loaded flavor is cached
until one of its source files changes. The implementation class is never touched here.
Manifest flavors are read from the manifest stored with them: nothing is imported.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from flavorhost.config_schemas import ConfigSchema, JsonSchemaConfig, PydanticConfigSchema
from flavorhost.enums import StackComponentType
from flavorhost.errors import FlavorSourceError
from flavorhost.host.registry import FlavorRecord
from flavorhost.manifests import FlavorManifest, parse_manifest
from flavorhost.sources import import_flavor_class
from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponentConfig


@dataclass(frozen=True)
class LoadedFlavor:
    """What the host needs from a flavor class."""

    name: str
    type: StackComponentType
    config: ConfigSchema
    docs_url: str | None
    requirements: tuple[str, ...] = ()
    files: dict[str, float] = field(default_factory=dict)
    # Set for a flavor registered by manifest.
    manifest: FlavorManifest | None = None

    def is_stale(self) -> bool:
        """Whether a source file changed since the flavor was loaded."""
        for path, mtime in self.files.items():
            try:
                if os.stat(path).st_mtime != mtime:
                    return True
            except OSError:
                return True
        return False


def _module_location(module: Any) -> str | None:
    """A module's file, or a (namespace) package's first folder."""
    path = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", [])), None)
    return os.path.abspath(path) if path else None


class FlavorLoader:
    """Imports flavor classes from dotted paths, isolated per source root."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], LoadedFlavor] = {}

    def load_flavor(self, flavor: FlavorRecord) -> LoadedFlavor:
        """A registered flavor: from its stored manifest, or by importing its class."""
        if flavor.manifest:
            return self.load_manifest(flavor.manifest, flavor.source)
        return self.load(flavor.source, flavor.source_root)

    def load_manifest(self, text: str, where: str) -> LoadedFlavor:
        """A manifest flavor; `where` names the manifest in errors."""
        key = (text, "manifest")
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        manifest = parse_manifest(text, where)
        loaded = LoadedFlavor(
            manifest.name,
            manifest.type,
            JsonSchemaConfig(manifest.config_schema),
            manifest.docs_url or None,
            manifest=manifest,
        )
        with self._lock:
            self._cache[key] = loaded
        return loaded

    def load(self, source: str, source_root: str = "") -> LoadedFlavor:
        """The flavor at `source`, importing it again if its files changed."""
        key = (source, source_root)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and not cached.is_stale():
                return cached
            loaded = self._import(source, source_root)
            self._cache[key] = loaded
            return loaded

    def _import(self, source: str, source_root: str) -> LoadedFlavor:
        saved_path = list(sys.path)
        before = set(sys.modules)
        try:
            # The config class is read here too: flavors often import it lazily.
            loaded = self._describe(import_flavor_class(source, source_root or None)())
        finally:
            files = self._collect(before, source_root)
            sys.path[:] = saved_path
        return dataclasses.replace(loaded, files=files)

    @staticmethod
    def _collect(before: set[str], source_root: str) -> dict[str, float]:
        """Evicts the modules imported from `source_root` and returns their files' mtimes."""
        files: dict[str, float] = {}
        if not source_root:
            return files
        prefix = os.path.abspath(source_root) + os.sep
        for name in set(sys.modules) - before:
            location = _module_location(sys.modules[name])
            if location is not None and location.startswith(prefix):
                del sys.modules[name]
                if os.path.isfile(location):
                    files[location] = os.stat(location).st_mtime
        return files

    @staticmethod
    def _describe(flavor: Flavor) -> LoadedFlavor:
        try:
            name, kind, config_class = flavor.name, flavor.type, flavor.config_class
            requirements = tuple(str(r) for r in flavor.requirements)
        except ImportError as error:
            raise FlavorSourceError(
                f"flavor {type(flavor).__name__} could not import its config class: {error}. "
                "Keep the config class in a light module without heavy imports"
            ) from error
        if not isinstance(kind, StackComponentType):
            raise FlavorSourceError(
                f"flavor {name!r} has type {kind!r}; return a flavorhost.enums.StackComponentType"
            )
        if not (isinstance(config_class, type) and issubclass(config_class, StackComponentConfig)):
            raise FlavorSourceError(
                f"flavor {name!r}: config_class must be a subclass of "
                "flavorhost.stack.StackComponentConfig"
            )
        return LoadedFlavor(
            name, kind, PydanticConfigSchema(config_class), flavor.docs_url, requirements
        )
