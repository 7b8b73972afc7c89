"""Serves a BaseContainerRegistry implementation as the flavorhost.v1.ContainerRegistry service."""

from __future__ import annotations

from typing import Any

import grpc

from flavorhost import errors
from flavorhost.container_registries.base_container_registry import BaseContainerRegistry
from flavorhost.generated.v1 import container_registry_pb2 as pb
from flavorhost.sidecar.components import ComponentTable
from flavorhost.strict_services import add_servicer

SERVICE_NAME = "flavorhost.v1.ContainerRegistry"


class ContainerRegistryServicer:
    """One servicer for every container registry component of the sidecar's flavor."""

    def __init__(self, table: ComponentTable) -> None:
        self._table = table

    def _registry(self, context: grpc.ServicerContext) -> BaseContainerRegistry:
        registry: BaseContainerRegistry = self._table.for_call(context)
        return registry

    @errors.servicer_errors
    def GetAuthentication(
        self, request: pb.GetAuthenticationRequest, context: Any
    ) -> pb.GetAuthenticationResponse:
        registry = self._registry(context)
        credentials = registry.credentials
        if credentials is None:
            return pb.GetAuthenticationResponse(
                requires_authentication=bool(registry.requires_authentication)
            )
        username, password = credentials
        return pb.GetAuthenticationResponse(
            requires_authentication=bool(registry.requires_authentication),
            has_credentials=True,
            username=username,
            password=password,
        )

    @errors.servicer_errors
    def IsValidImageNameForRegistry(
        self, request: pb.IsValidImageNameForRegistryRequest, context: Any
    ) -> pb.IsValidImageNameForRegistryResponse:
        registry = self._registry(context)
        valid = registry.is_valid_image_name_for_registry(request.image_name)
        return pb.IsValidImageNameForRegistryResponse(valid=bool(valid))

    @errors.servicer_errors
    def PrepareImagePush(
        self, request: pb.PrepareImagePushRequest, context: Any
    ) -> pb.PrepareImagePushResponse:
        self._registry(context).prepare_image_push(_image_name(request.image_name))
        return pb.PrepareImagePushResponse()

    @errors.servicer_errors
    def PushImage(self, request: pb.PushImageRequest, context: Any) -> pb.PushImageResponse:
        repo_digest = self._registry(context).push_image(_image_name(request.image_name))
        return pb.PushImageResponse(repo_digest=str(repo_digest))


def _image_name(name: str) -> str:
    if not name:
        raise ValueError("the request has no image_name; pass the image to push")
    return name


def register(server: grpc.Server, table: ComponentTable) -> str:
    """Adds the service to a sidecar's server; returns its full name."""
    descriptor = pb.DESCRIPTOR.services_by_name["ContainerRegistry"]
    add_servicer(server, ContainerRegistryServicer(table), descriptor)
    return SERVICE_NAME
