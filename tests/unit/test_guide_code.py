"""The guide's code, with `zenml` replaced by `flavorhost`, runs as written.

Each snippet below is the guide's, in order; only what the guide elides with `...` is filled in.
The S3 implementation (which imports s3fs) is exercised by the S3 flavor's own tests.
"""

from abc import abstractmethod
from typing import Any, ClassVar, Dict, Optional, Set, Type

from flavorhost.artifact_stores import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
    BaseArtifactStoreFlavor,
)
from flavorhost.enums import StackComponentType
from flavorhost.stack import Flavor, StackComponent, StackComponentConfig
from flavorhost.utils.secret_utils import SecretField


def test_base_abstractions_and_the_local_flavor_example() -> None:
    class MyBaseArtifactStore(StackComponent):
        """Base class for all ZenML artifact stores."""

        @abstractmethod
        def open(self, path, mode="r"):  # type: ignore[no-untyped-def]
            """Open a file at the given path."""

        @abstractmethod
        def exists(self, path):  # type: ignore[no-untyped-def]
            """Checks if a path exists."""

    class MyBaseArtifactStoreConfig(StackComponentConfig):
        """Config class for `BaseArtifactStore`."""

        path: str

        SUPPORTED_SCHEMES: ClassVar[Set[str]]

    class LocalArtifactStore(BaseArtifactStore): ...

    class LocalArtifactStoreConfig(BaseArtifactStoreConfig):
        SUPPORTED_SCHEMES: ClassVar[Set[str]] = {""}

    class LocalArtifactStoreFlavor(Flavor):
        @property
        def name(self) -> str:
            """Returns the name of the flavor."""
            return "local"

        @property
        def type(self) -> StackComponentType:
            """Returns the flavor type."""
            return StackComponentType.ARTIFACT_STORE

        @property
        def config_class(self) -> Type[LocalArtifactStoreConfig]:
            """Config class of this flavor."""
            return LocalArtifactStoreConfig

        @property
        def implementation_class(self) -> Type[LocalArtifactStore]:
            """Implementation class of this flavor."""
            return LocalArtifactStore

    flavor = LocalArtifactStoreFlavor()
    assert (flavor.name, flavor.type) == ("local", StackComponentType.ARTIFACT_STORE)
    assert flavor.config_class(path="/tmp/x").path == "/tmp/x"
    assert MyBaseArtifactStoreConfig.model_fields["path"].is_required()
    assert issubclass(MyBaseArtifactStore, StackComponent)


def test_the_custom_s3_config_and_flavor() -> None:
    class MyS3ArtifactStoreConfig(BaseArtifactStoreConfig):
        """Configuration for the S3 Artifact Store."""

        SUPPORTED_SCHEMES: ClassVar[Set[str]] = {"s3://"}

        key: Optional[str] = SecretField(default=None)
        secret: Optional[str] = SecretField(default=None)
        token: Optional[str] = SecretField(default=None)
        client_kwargs: Optional[Dict[str, Any]] = None
        config_kwargs: Optional[Dict[str, Any]] = None
        s3_additional_kwargs: Optional[Dict[str, Any]] = None

    class MyS3ArtifactStoreFlavor(BaseArtifactStoreFlavor):
        """Custom artifact store implementation."""

        @property
        def name(self):  # type: ignore[no-untyped-def]
            """The name of the flavor."""
            return "my_s3_artifact_store"

        @property
        def implementation_class(self):  # type: ignore[no-untyped-def]
            """Implementation class for this flavor."""
            raise ImportError("the implementation lives in its own module and needs s3fs")

        @property
        def config_class(self):  # type: ignore[no-untyped-def]
            """Configuration class for this flavor."""
            return MyS3ArtifactStoreConfig

    flavor = MyS3ArtifactStoreFlavor()
    config = flavor.config_class(path="s3://bucket/artifacts", key="AKIA")
    assert config.key == "AKIA"
    assert flavor.type == StackComponentType.ARTIFACT_STORE
