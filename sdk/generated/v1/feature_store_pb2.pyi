from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Table(_message.Message):
    __slots__ = ("columns", "rows_json")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_JSON_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    rows_json: str
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., rows_json: _Optional[str] = ...) -> None: ...

class GetHistoricalFeaturesRequest(_message.Message):
    __slots__ = ("entity_df", "features", "full_feature_names")
    ENTITY_DF_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    FULL_FEATURE_NAMES_FIELD_NUMBER: _ClassVar[int]
    entity_df: Table
    features: _containers.RepeatedScalarFieldContainer[str]
    full_feature_names: bool
    def __init__(self, entity_df: _Optional[_Union[Table, _Mapping]] = ..., features: _Optional[_Iterable[str]] = ..., full_feature_names: _Optional[bool] = ...) -> None: ...

class GetHistoricalFeaturesResponse(_message.Message):
    __slots__ = ("table",)
    TABLE_FIELD_NUMBER: _ClassVar[int]
    table: Table
    def __init__(self, table: _Optional[_Union[Table, _Mapping]] = ...) -> None: ...

class GetOnlineFeaturesRequest(_message.Message):
    __slots__ = ("entity_rows", "features", "full_feature_names")
    ENTITY_ROWS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    FULL_FEATURE_NAMES_FIELD_NUMBER: _ClassVar[int]
    entity_rows: Table
    features: _containers.RepeatedScalarFieldContainer[str]
    full_feature_names: bool
    def __init__(self, entity_rows: _Optional[_Union[Table, _Mapping]] = ..., features: _Optional[_Iterable[str]] = ..., full_feature_names: _Optional[bool] = ...) -> None: ...

class GetOnlineFeaturesResponse(_message.Message):
    __slots__ = ("table",)
    TABLE_FIELD_NUMBER: _ClassVar[int]
    table: Table
    def __init__(self, table: _Optional[_Union[Table, _Mapping]] = ...) -> None: ...
