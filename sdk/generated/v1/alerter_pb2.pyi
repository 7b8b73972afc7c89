from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class PostRequest(_message.Message):
    __slots__ = ("message", "params_json")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    message: str
    params_json: str
    def __init__(self, message: _Optional[str] = ..., params_json: _Optional[str] = ...) -> None: ...

class PostResponse(_message.Message):
    __slots__ = ("delivered",)
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    delivered: bool
    def __init__(self, delivered: _Optional[bool] = ...) -> None: ...

class AskRequest(_message.Message):
    __slots__ = ("question", "params_json")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    question: str
    params_json: str
    def __init__(self, question: _Optional[str] = ..., params_json: _Optional[str] = ...) -> None: ...

class AskResponse(_message.Message):
    __slots__ = ("approved",)
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    approved: bool
    def __init__(self, approved: _Optional[bool] = ...) -> None: ...
