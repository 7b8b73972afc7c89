"""The `file_url` implementation: only the six primitives; the base class derives the rest."""

import os
import shutil
from urllib.parse import urlparse

from flavorhost.artifact_stores import BaseArtifactStore


def _local(url):
    """file:///a/b -> /a/b (plain paths pass through)."""
    return urlparse(url).path if url.startswith("file://") else url


class FileUrlArtifactStore(BaseArtifactStore):
    """Files addressed as file:// URLs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.config.create_root:
            os.makedirs(_local(self.config.path), exist_ok=True)

    def open(self, path, mode="r"):
        """Opens a file."""
        return open(_local(path), mode)

    def listdir(self, path):
        """Names in a directory."""
        return sorted(os.listdir(_local(path)))

    def stat(self, path):
        """os.stat of the file."""
        return os.stat(_local(path))

    def mkdir(self, path):
        """Creates one directory."""
        os.mkdir(_local(path))

    def remove(self, path):
        """Removes a file."""
        os.remove(_local(path))

    def rmtree(self, path):
        """Removes a directory tree."""
        shutil.rmtree(_local(path))
