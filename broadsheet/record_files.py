"""Typed record files: how one stage's records reach the next without passing through the scheduler.

A stage writes its records as JSON lines, one at a time, so a site's night is never held in memory, and
hands on a `Records[T]` reference (the file's path and how many records it holds) that serialises to XCom
JSON. The next stage reads the records back through that reference, typed: no stage knows another's file
names. A file replaces its previous version only when its writer completes, so a stage that fails or is
killed half way leaves its last complete output (or none), never half a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter

Record = TypeVar("Record")


class Records(BaseModel, Generic[Record]):
    """A reference to a stage's output file of `Record`s: what travels through XCom instead of the records."""

    model_config = ConfigDict(frozen=True)

    path: Path
    count: int

    @classmethod
    def record_type(cls) -> type:
        args = cls.__pydantic_generic_metadata__["args"]
        if not args:
            raise TypeError("a Records reference needs its record type: Records[Article], not Records")
        return args[0]

    def read(self) -> Iterator[Record]:
        """The records, one at a time, validated as the type the reference names."""
        adapter = TypeAdapter(self.record_type())
        if not self.path.exists():
            raise FileNotFoundError(
                f"{self.path} ({self.count} {self.record_type().__name__} records) is gone: re-run the stage "
                "that wrote it (clear its task in Airflow), then this one"
            )
        with self.path.open("rb") as stream:
            for line in stream:
                yield adapter.validate_json(line)


class RecordWriter(Generic[Record]):
    """Writes one output file record by record; `records` is the reference to hand on once it is closed."""

    def __init__(self, path: Path, record_type: type[Record]) -> None:
        self.path = path
        self.record_type = record_type
        self.count = 0
        self._adapter = TypeAdapter(record_type)
        self._temporary = path.with_suffix(".tmp")
        self._stream: BinaryIO | None = None

    def __enter__(self) -> RecordWriter[Record]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = self._temporary.open("wb")
        return self

    def write(self, record: Record) -> None:
        assert self._stream is not None, "write inside `with RecordWriter(...)`"
        self._stream.write(self._adapter.dump_json(record) + b"\n")
        self.count += 1

    def __exit__(
        self, error_type: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._stream is not None
        self._stream.close()
        if error_type is None:
            self._temporary.replace(self.path)
        else:
            self._temporary.unlink(missing_ok=True)

    @property
    def records(self) -> Records[Record]:
        return Records[self.record_type](path=self.path, count=self.count)  # type: ignore[name-defined]
