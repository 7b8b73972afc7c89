"""ZenML's import path for `SecretField` (`zenml.utils.secret_utils`)."""

from flavorhost.secrets import SecretField, is_secret_field

__all__ = ["SecretField", "is_secret_field"]
