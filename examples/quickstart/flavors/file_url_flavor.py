"""The `file_url` flavor: names the config and the implementation (imported lazily)."""

from flavorhost.artifact_stores import BaseArtifactStoreFlavor


class FileUrlArtifactStoreFlavor(BaseArtifactStoreFlavor):
    """An artifact store over file:// URLs, written the way the guide shows."""

    @property
    def name(self):
        """The name of the flavor."""
        return "file_url"

    @property
    def implementation_class(self):
        """Implementation class for this flavor."""
        from flavors.file_url_store import FileUrlArtifactStore

        return FileUrlArtifactStore

    @property
    def config_class(self):
        """Configuration class for this flavor."""
        from flavors.file_url_config import FileUrlArtifactStoreConfig

        return FileUrlArtifactStoreConfig
