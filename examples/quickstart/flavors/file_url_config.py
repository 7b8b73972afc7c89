"""Config of the `file_url` artifact store: light, so the host can validate it."""

from typing import ClassVar, Optional, Set

from flavorhost.artifact_stores import BaseArtifactStoreConfig
from flavorhost.utils.secret_utils import SecretField


class FileUrlArtifactStoreConfig(BaseArtifactStoreConfig):
    """An artifact store addressed by file:// URLs."""

    SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"file://"}

    # Not needed by this flavor; shows how a secret field looks in `flavor describe`.
    access_token: Optional[str] = SecretField(default=None)
    create_root: bool = True
