from flavorhost.generated.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReadRequest(_message.Message):
    __slots__ = ("path", "offset", "length", "chunk_size", "if_version")
    PATH_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    CHUNK_SIZE_FIELD_NUMBER: _ClassVar[int]
    IF_VERSION_FIELD_NUMBER: _ClassVar[int]
    path: str
    offset: int
    length: int
    chunk_size: int
    if_version: str
    def __init__(self, path: _Optional[str] = ..., offset: _Optional[int] = ..., length: _Optional[int] = ..., chunk_size: _Optional[int] = ..., if_version: _Optional[str] = ...) -> None: ...

class ReadResponse(_message.Message):
    __slots__ = ("opened", "data")
    OPENED_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    opened: ReadOpened
    data: bytes
    def __init__(self, opened: _Optional[_Union[ReadOpened, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class ReadOpened(_message.Message):
    __slots__ = ("size", "version")
    SIZE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    size: int
    version: str
    def __init__(self, size: _Optional[int] = ..., version: _Optional[str] = ...) -> None: ...

class WriteRequest(_message.Message):
    __slots__ = ("open", "data", "finish")
    OPEN_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FINISH_FIELD_NUMBER: _ClassVar[int]
    open: WriteOpen
    data: bytes
    finish: WriteFinish
    def __init__(self, open: _Optional[_Union[WriteOpen, _Mapping]] = ..., data: _Optional[bytes] = ..., finish: _Optional[_Union[WriteFinish, _Mapping]] = ...) -> None: ...

class WriteOpen(_message.Message):
    __slots__ = ("path", "append")
    PATH_FIELD_NUMBER: _ClassVar[int]
    APPEND_FIELD_NUMBER: _ClassVar[int]
    path: str
    append: bool
    def __init__(self, path: _Optional[str] = ..., append: _Optional[bool] = ...) -> None: ...

class WriteFinish(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WriteResponse(_message.Message):
    __slots__ = ("opened", "committed")
    OPENED_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    opened: WriteOpened
    committed: WriteCommitted
    def __init__(self, opened: _Optional[_Union[WriteOpened, _Mapping]] = ..., committed: _Optional[_Union[WriteCommitted, _Mapping]] = ...) -> None: ...

class WriteOpened(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WriteCommitted(_message.Message):
    __slots__ = ("bytes_written",)
    BYTES_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    bytes_written: int
    def __init__(self, bytes_written: _Optional[int] = ...) -> None: ...

class CopyFileRequest(_message.Message):
    __slots__ = ("src", "dst", "overwrite")
    SRC_FIELD_NUMBER: _ClassVar[int]
    DST_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_FIELD_NUMBER: _ClassVar[int]
    src: str
    dst: str
    overwrite: bool
    def __init__(self, src: _Optional[str] = ..., dst: _Optional[str] = ..., overwrite: _Optional[bool] = ...) -> None: ...

class CopyFileResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExistsRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class ExistsResponse(_message.Message):
    __slots__ = ("exists",)
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    exists: bool
    def __init__(self, exists: _Optional[bool] = ...) -> None: ...

class GlobRequest(_message.Message):
    __slots__ = ("pattern",)
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    pattern: str
    def __init__(self, pattern: _Optional[str] = ...) -> None: ...

class GlobResponse(_message.Message):
    __slots__ = ("paths",)
    PATHS_FIELD_NUMBER: _ClassVar[int]
    paths: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, paths: _Optional[_Iterable[str]] = ...) -> None: ...

class IsDirRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class IsDirResponse(_message.Message):
    __slots__ = ("is_dir",)
    IS_DIR_FIELD_NUMBER: _ClassVar[int]
    is_dir: bool
    def __init__(self, is_dir: _Optional[bool] = ...) -> None: ...

class ListDirRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class ListDirResponse(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class MakeDirsRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class MakeDirsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MkDirRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class MkDirResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RemoveRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class RemoveResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RenameRequest(_message.Message):
    __slots__ = ("src", "dst", "overwrite")
    SRC_FIELD_NUMBER: _ClassVar[int]
    DST_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_FIELD_NUMBER: _ClassVar[int]
    src: str
    dst: str
    overwrite: bool
    def __init__(self, src: _Optional[str] = ..., dst: _Optional[str] = ..., overwrite: _Optional[bool] = ...) -> None: ...

class RenameResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RmTreeRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class RmTreeResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StatRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class StatResponse(_message.Message):
    __slots__ = ("stat",)
    STAT_FIELD_NUMBER: _ClassVar[int]
    stat: FileStat
    def __init__(self, stat: _Optional[_Union[FileStat, _Mapping]] = ...) -> None: ...

class FileStat(_message.Message):
    __slots__ = ("size", "is_dir", "mode", "mtime", "atime", "ctime")
    SIZE_FIELD_NUMBER: _ClassVar[int]
    IS_DIR_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MTIME_FIELD_NUMBER: _ClassVar[int]
    ATIME_FIELD_NUMBER: _ClassVar[int]
    CTIME_FIELD_NUMBER: _ClassVar[int]
    size: int
    is_dir: bool
    mode: int
    mtime: float
    atime: float
    ctime: float
    def __init__(self, size: _Optional[int] = ..., is_dir: _Optional[bool] = ..., mode: _Optional[int] = ..., mtime: _Optional[float] = ..., atime: _Optional[float] = ..., ctime: _Optional[float] = ...) -> None: ...

class SizeRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class SizeResponse(_message.Message):
    __slots__ = ("size",)
    SIZE_FIELD_NUMBER: _ClassVar[int]
    size: int
    def __init__(self, size: _Optional[int] = ...) -> None: ...

class WalkRequest(_message.Message):
    __slots__ = ("top", "topdown")
    TOP_FIELD_NUMBER: _ClassVar[int]
    TOPDOWN_FIELD_NUMBER: _ClassVar[int]
    top: str
    topdown: bool
    def __init__(self, top: _Optional[str] = ..., topdown: _Optional[bool] = ...) -> None: ...

class WalkEntry(_message.Message):
    __slots__ = ("dirpath", "dirnames", "filenames", "error")
    DIRPATH_FIELD_NUMBER: _ClassVar[int]
    DIRNAMES_FIELD_NUMBER: _ClassVar[int]
    FILENAMES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    dirpath: str
    dirnames: _containers.RepeatedScalarFieldContainer[str]
    filenames: _containers.RepeatedScalarFieldContainer[str]
    error: WalkError
    def __init__(self, dirpath: _Optional[str] = ..., dirnames: _Optional[_Iterable[str]] = ..., filenames: _Optional[_Iterable[str]] = ..., error: _Optional[_Union[WalkError, _Mapping]] = ...) -> None: ...

class WalkError(_message.Message):
    __slots__ = ("reason", "message", "path", "errno")
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    ERRNO_FIELD_NUMBER: _ClassVar[int]
    reason: _common_pb2.ErrorReason
    message: str
    path: str
    errno: int
    def __init__(self, reason: _Optional[_Union[_common_pb2.ErrorReason, str]] = ..., message: _Optional[str] = ..., path: _Optional[str] = ..., errno: _Optional[int] = ...) -> None: ...

class FileHandoverRequest(_message.Message):
    __slots__ = ("component", "grant", "read", "write", "finish")
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    GRANT_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    WRITE_FIELD_NUMBER: _ClassVar[int]
    FINISH_FIELD_NUMBER: _ClassVar[int]
    component: str
    grant: str
    read: ReadRequest
    write: WriteOpen
    finish: WriteFinish
    def __init__(self, component: _Optional[str] = ..., grant: _Optional[str] = ..., read: _Optional[_Union[ReadRequest, _Mapping]] = ..., write: _Optional[_Union[WriteOpen, _Mapping]] = ..., finish: _Optional[_Union[WriteFinish, _Mapping]] = ...) -> None: ...

class FileHandoverResponse(_message.Message):
    __slots__ = ("read_opened", "write_opened", "committed", "error")
    READ_OPENED_FIELD_NUMBER: _ClassVar[int]
    WRITE_OPENED_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    read_opened: ReadOpened
    write_opened: WriteOpened
    committed: WriteCommitted
    error: bytes
    def __init__(self, read_opened: _Optional[_Union[ReadOpened, _Mapping]] = ..., write_opened: _Optional[_Union[WriteOpened, _Mapping]] = ..., committed: _Optional[_Union[WriteCommitted, _Mapping]] = ..., error: _Optional[bytes] = ...) -> None: ...
