"""The Secrets gRPC service."""

from __future__ import annotations

from typing import Any

from flavorhost.errors import EntityInUseError, servicer_errors
from flavorhost.generated.v1 import host_pb2 as pb
from flavorhost.generated.v1 import host_pb2_grpc
from flavorhost.host.registry import Registry
from flavorhost.host.secret_references import referenced_secrets
from flavorhost.host.secrets_store import SecretRecord, SecretsStore
from flavorhost.host.supervisor import Supervisor


class SecretsService(host_pb2_grpc.SecretsServicer):
    """Create, list, describe, update and delete secrets."""

    def __init__(self, secrets: SecretsStore, registry: Registry, supervisor: Supervisor) -> None:
        self._secrets = secrets
        self._registry = registry
        self._supervisor = supervisor

    def _users(self, name: str) -> list[str]:
        return [
            f"{c.type.value}/{c.name}"
            for c in self._registry.list_components()
            if name in referenced_secrets(c.config)
        ]

    def _message(self, secret: SecretRecord, reveal: bool = False) -> pb.Secret:
        return pb.Secret(
            id=secret.id,
            name=secret.name,
            keys=sorted(secret.values),
            values=secret.values if reveal else {},
            created=secret.created,
            updated=secret.updated,
            used_by=self._users(secret.name),
        )

    @servicer_errors
    def CreateSecret(self, request: pb.CreateSecretRequest, context: Any) -> pb.Secret:
        return self._message(self._secrets.create(request.name, dict(request.values)))

    @servicer_errors
    def ListSecrets(self, request: pb.ListSecretsRequest, context: Any) -> pb.ListSecretsResponse:
        return pb.ListSecretsResponse(secrets=[self._message(s) for s in self._secrets.all()])

    @servicer_errors
    def GetSecret(self, request: pb.GetSecretRequest, context: Any) -> pb.Secret:
        return self._message(self._secrets.get(request.name), reveal=request.reveal)

    @servicer_errors
    def UpdateSecret(self, request: pb.UpdateSecretRequest, context: Any) -> pb.Secret:
        secret = self._secrets.update(request.name, dict(request.values), list(request.remove_keys))
        self._supervisor.forget_secret_users(request.name)
        return self._message(secret)

    @servicer_errors
    def DeleteSecret(
        self, request: pb.DeleteSecretRequest, context: Any
    ) -> pb.DeleteSecretResponse:
        users = self._users(request.name)
        self._secrets.get(request.name)
        if users and not request.force:
            raise EntityInUseError(
                f"secret {request.name!r} is referenced by {', '.join(users)}; update those "
                "components first, or delete it anyway with --force (they stop working)"
            )
        self._secrets.delete(request.name)
        self._supervisor.forget_secret_users(request.name)
        return pb.DeleteSecretResponse()
