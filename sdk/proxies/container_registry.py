"""`ContainerRegistryProxy`: the BaseContainerRegistry interface, served by a sidecar."""

from __future__ import annotations

from flavorhost.enums import StackComponentType
from flavorhost.generated.v1 import container_registry_pb2 as pb
from flavorhost.generated.v1 import container_registry_pb2_grpc
from flavorhost.proxies.component_proxy import ComponentProxy


class ContainerRegistryProxy(ComponentProxy):
    """A container registry component, as pipeline code uses it, served by its sidecar."""

    TYPE = StackComponentType.CONTAINER_REGISTRY
    PROTO = pb.DESCRIPTOR
    SERVICE = "ContainerRegistry"
    STUB = container_registry_pb2_grpc.ContainerRegistryStub

    @property
    def uri(self) -> str:
        """The registry's URI, as its config holds it (e.g. `localhost:5000`)."""
        return str(self.config["uri"])

    @property
    def requires_authentication(self) -> bool:
        """Whether pushing to the registry needs a login."""
        return bool(self._authentication().requires_authentication)

    @property
    def credentials(self) -> tuple[str, str] | None:
        """(username, password) to log in with, or None."""
        reply = self._authentication()
        return (reply.username, reply.password) if reply.has_credentials else None

    def is_valid_image_name_for_registry(self, image_name: str) -> bool:
        """Whether `image_name` lies under the registry's URI."""
        request = pb.IsValidImageNameForRegistryRequest(image_name=image_name)
        return bool(self._call("IsValidImageNameForRegistry", request).valid)

    def prepare_image_push(self, image_name: str) -> None:
        """Runs the flavor's checks and preparations before `image_name` is pushed."""
        self._call("PrepareImagePush", pb.PrepareImagePushRequest(image_name=image_name))

    def push_image(self, image_name: str) -> str:
        """Pushes `image_name`; returns its repository digest (`URI/REPOSITORY@sha256:...`)."""
        reply = self._call("PushImage", pb.PushImageRequest(image_name=image_name))
        return str(reply.repo_digest)

    def _authentication(self) -> pb.GetAuthenticationResponse:
        reply: pb.GetAuthenticationResponse = self._call(
            "GetAuthentication", pb.GetAuthenticationRequest()
        )
        return reply
