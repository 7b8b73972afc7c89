from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TabularData(_message.Message):
    __slots__ = ("csv",)
    CSV_FIELD_NUMBER: _ClassVar[int]
    csv: bytes
    def __init__(self, csv: _Optional[bytes] = ...) -> None: ...

class DataProfilingRequest(_message.Message):
    __slots__ = ("dataset", "comparison_dataset", "profile_list", "options_json")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_DATASET_FIELD_NUMBER: _ClassVar[int]
    PROFILE_LIST_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset: TabularData
    comparison_dataset: TabularData
    profile_list: _containers.RepeatedScalarFieldContainer[str]
    options_json: str
    def __init__(self, dataset: _Optional[_Union[TabularData, _Mapping]] = ..., comparison_dataset: _Optional[_Union[TabularData, _Mapping]] = ..., profile_list: _Optional[_Iterable[str]] = ..., options_json: _Optional[str] = ...) -> None: ...

class DataProfilingResponse(_message.Message):
    __slots__ = ("profile_json",)
    PROFILE_JSON_FIELD_NUMBER: _ClassVar[int]
    profile_json: str
    def __init__(self, profile_json: _Optional[str] = ...) -> None: ...

class DataValidationRequest(_message.Message):
    __slots__ = ("dataset", "comparison_dataset", "check_list", "options_json")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_DATASET_FIELD_NUMBER: _ClassVar[int]
    CHECK_LIST_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset: TabularData
    comparison_dataset: TabularData
    check_list: _containers.RepeatedScalarFieldContainer[str]
    options_json: str
    def __init__(self, dataset: _Optional[_Union[TabularData, _Mapping]] = ..., comparison_dataset: _Optional[_Union[TabularData, _Mapping]] = ..., check_list: _Optional[_Iterable[str]] = ..., options_json: _Optional[str] = ...) -> None: ...

class DataValidationResponse(_message.Message):
    __slots__ = ("result_json",)
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    result_json: str
    def __init__(self, result_json: _Optional[str] = ...) -> None: ...

class ModelValidationRequest(_message.Message):
    __slots__ = ("dataset", "model_uri", "comparison_dataset", "check_list", "options_json")
    DATASET_FIELD_NUMBER: _ClassVar[int]
    MODEL_URI_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_DATASET_FIELD_NUMBER: _ClassVar[int]
    CHECK_LIST_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    dataset: TabularData
    model_uri: str
    comparison_dataset: TabularData
    check_list: _containers.RepeatedScalarFieldContainer[str]
    options_json: str
    def __init__(self, dataset: _Optional[_Union[TabularData, _Mapping]] = ..., model_uri: _Optional[str] = ..., comparison_dataset: _Optional[_Union[TabularData, _Mapping]] = ..., check_list: _Optional[_Iterable[str]] = ..., options_json: _Optional[str] = ...) -> None: ...

class ModelValidationResponse(_message.Message):
    __slots__ = ("result_json",)
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    result_json: str
    def __init__(self, result_json: _Optional[str] = ...) -> None: ...
