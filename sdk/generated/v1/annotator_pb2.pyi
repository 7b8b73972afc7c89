from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetUrlRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUrlResponse(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class GetUrlForDatasetRequest(_message.Message):
    __slots__ = ("dataset_name",)
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    def __init__(self, dataset_name: _Optional[str] = ...) -> None: ...

class GetUrlForDatasetResponse(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class GetDatasetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDatasetsResponse(_message.Message):
    __slots__ = ("datasets_json",)
    DATASETS_JSON_FIELD_NUMBER: _ClassVar[int]
    datasets_json: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, datasets_json: _Optional[_Iterable[str]] = ...) -> None: ...

class GetDatasetNamesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDatasetNamesResponse(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class GetDatasetStatsRequest(_message.Message):
    __slots__ = ("dataset_name",)
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    def __init__(self, dataset_name: _Optional[str] = ...) -> None: ...

class GetDatasetStatsResponse(_message.Message):
    __slots__ = ("labeled", "unlabeled")
    LABELED_FIELD_NUMBER: _ClassVar[int]
    UNLABELED_FIELD_NUMBER: _ClassVar[int]
    labeled: int
    unlabeled: int
    def __init__(self, labeled: _Optional[int] = ..., unlabeled: _Optional[int] = ...) -> None: ...

class LaunchRequest(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class LaunchResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddDatasetRequest(_message.Message):
    __slots__ = ("dataset_name", "options_json")
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    options_json: str
    def __init__(self, dataset_name: _Optional[str] = ..., options_json: _Optional[str] = ...) -> None: ...

class AddDatasetResponse(_message.Message):
    __slots__ = ("dataset_json",)
    DATASET_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_json: str
    def __init__(self, dataset_json: _Optional[str] = ...) -> None: ...

class GetDatasetRequest(_message.Message):
    __slots__ = ("dataset_name", "options_json")
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    options_json: str
    def __init__(self, dataset_name: _Optional[str] = ..., options_json: _Optional[str] = ...) -> None: ...

class GetDatasetResponse(_message.Message):
    __slots__ = ("dataset_json",)
    DATASET_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_json: str
    def __init__(self, dataset_json: _Optional[str] = ...) -> None: ...

class DeleteDatasetRequest(_message.Message):
    __slots__ = ("dataset_name", "options_json")
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    options_json: str
    def __init__(self, dataset_name: _Optional[str] = ..., options_json: _Optional[str] = ...) -> None: ...

class DeleteDatasetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetLabeledDataRequest(_message.Message):
    __slots__ = ("dataset_name", "options_json")
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    options_json: str
    def __init__(self, dataset_name: _Optional[str] = ..., options_json: _Optional[str] = ...) -> None: ...

class GetLabeledDataResponse(_message.Message):
    __slots__ = ("data_json",)
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    data_json: str
    def __init__(self, data_json: _Optional[str] = ...) -> None: ...

class GetUnlabeledDataRequest(_message.Message):
    __slots__ = ("dataset_name", "options_json")
    DATASET_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset_name: str
    options_json: str
    def __init__(self, dataset_name: _Optional[str] = ..., options_json: _Optional[str] = ...) -> None: ...

class GetUnlabeledDataResponse(_message.Message):
    __slots__ = ("data_json",)
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    data_json: str
    def __init__(self, data_json: _Optional[str] = ...) -> None: ...
