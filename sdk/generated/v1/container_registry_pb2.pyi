from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetAuthenticationRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAuthenticationResponse(_message.Message):
    __slots__ = ("requires_authentication", "has_credentials", "username", "password")
    REQUIRES_AUTHENTICATION_FIELD_NUMBER: _ClassVar[int]
    HAS_CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    requires_authentication: bool
    has_credentials: bool
    username: str
    password: str
    def __init__(self, requires_authentication: _Optional[bool] = ..., has_credentials: _Optional[bool] = ..., username: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class IsValidImageNameForRegistryRequest(_message.Message):
    __slots__ = ("image_name",)
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    image_name: str
    def __init__(self, image_name: _Optional[str] = ...) -> None: ...

class IsValidImageNameForRegistryResponse(_message.Message):
    __slots__ = ("valid",)
    VALID_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    def __init__(self, valid: _Optional[bool] = ...) -> None: ...

class PrepareImagePushRequest(_message.Message):
    __slots__ = ("image_name",)
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    image_name: str
    def __init__(self, image_name: _Optional[str] = ...) -> None: ...

class PrepareImagePushResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PushImageRequest(_message.Message):
    __slots__ = ("image_name",)
    IMAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    image_name: str
    def __init__(self, image_name: _Optional[str] = ...) -> None: ...

class PushImageResponse(_message.Message):
    __slots__ = ("repo_digest",)
    REPO_DIGEST_FIELD_NUMBER: _ClassVar[int]
    repo_digest: str
    def __init__(self, repo_digest: _Optional[str] = ...) -> None: ...
