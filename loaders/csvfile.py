"""Reading one CSV file of a bundle: its encoding, its header, its rows.

Encodings: a file that starts with a UTF-8 byte-order mark is UTF-8; otherwise
the first bytes that are not ASCII decide: valid UTF-8 means UTF-8, anything
else is read as CP949 (what Korean Excel saves as "CSV"). The file is decoded
as it streams, so a bad byte further on is reported with its line. Passing an
``encoding`` skips the guess.

Every problem is a :class:`BundleError` that names the file, the line and,
where one is to blame, the column: ``services.csv:12:8 (capacity): must be at
least 0 (got -1)``.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from graph.errors import ValidationError
from graph.model import Record

from .bundle import Sheet, _text_cell

if TYPE_CHECKING:
    from _csv import Reader

#: no cell may be longer than this (the model's longest text is 2,000 characters)
MAX_CELL = 100_000
csv.field_size_limit(MAX_CELL)

_CHUNK = 1 << 16


class BundleError(ValidationError):
    """A problem with a bundle's file, located by line and column."""

    def __init__(self, file: str, line: int, message: str, *, column: int | None = None,
                 header: str | None = None) -> None:
        self.file, self.line, self.column, self.header = file, line, column, header
        where = f"{file}:{line}" + (f":{column}" if column else "")
        what = f" ({header})" if header else ""
        super().__init__(header, message)
        self.args = (f"{where}{what}: {message}",)

    def __str__(self) -> str:
        return str(self.args[0])

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "field": self.header,
                "message": self.message}


class _Decoded:
    """Text from a binary stream, the encoding decided on the way (see module doc)."""

    def __init__(self, raw: BinaryIO, name: str, encoding: str | None) -> None:
        self._raw, self._name = raw, name
        self._decoder = codecs.getincrementaldecoder(encoding)() if encoding else None
        self.encoding_used = encoding
        self._buf = ""
        self._started = False
        self._line = 1
        self._eof = False

    def _decide(self, data: bytes) -> None:
        if not self._started and data.startswith(codecs.BOM_UTF8):
            self.encoding_used = "utf-8-sig"
        else:
            try:
                codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
                self.encoding_used = "utf-8"
            except UnicodeDecodeError as e:
                # valid UTF-8 Hangul before the bad byte: a UTF-8 file with a bad byte
                self.encoding_used = "utf-8" if not data[:e.start].isascii() else "cp949"
        self._decoder = codecs.getincrementaldecoder(self.encoding_used)()

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._raw.read(_CHUNK)
        final = not data
        if self._decoder is None:
            if data.isascii():  # ASCII reads the same in every encoding: decide later
                self._buf += data.decode("ascii")
                self._started = True
                self._eof = final
                return True
            self._decide(data)
        try:
            text = self._decoder.decode(data, final=final)  # type: ignore[union-attr]
        except UnicodeDecodeError as e:
            line = self._line + self._buf.count("\n") + data[:e.start].count(b"\n")
            raise BundleError(
                self._name, line,
                f"byte 0x{e.object[e.start]:02x} is not valid {self.encoding_used}; "
                "save the file as UTF-8 (or CP949) and load it again",
            ) from None
        self._started = True
        self._buf += text
        self._eof = final
        return True

    def __iter__(self) -> Iterator[str]:
        """The lines, each with its newline (csv.reader needs them to keep
        newlines inside quoted cells); split a chunk at a time, in C."""
        while self._fill():
            if "\n" not in self._buf:
                continue
            *lines, self._buf = self._buf.split("\n")
            self._line += len(lines)
            for line in lines:
                yield line + "\n"
        if self._buf:
            line, self._buf = self._buf, ""
            yield line


@dataclass
class Row:
    """One data row: where it is, and its record or what is wrong with it."""

    line: int
    record: Record | None
    error: BundleError | None


class SheetReader:
    """Reads one bundle file row by row; ``bytes_read`` follows its progress."""

    def __init__(self, path: str | os.PathLike[str], sheet: Sheet, encoding: str | None = None) -> None:
        self.path = os.fspath(path)
        self.sheet = sheet
        self.name = sheet.filename
        #: (file column, sheet column index) per column of the file, once the header is read
        self._mapping: list[tuple[int, int]] = []
        #: per file column: the record field and its parser (None: the text as it is), once needed
        self._convert: list[tuple[str, Callable[[str], Any] | None]] | None = None
        self._reader: Reader | None = None
        try:
            # open for the reader's life, not one block: closed by close() or the with block's end
            self._raw = open(self.path, "rb")  # noqa: SIM115
        except OSError as e:
            raise BundleError(self.name, 0, f"cannot read the file: {e.strerror}") from None
        self._text = _Decoded(self._raw, self.name, encoding)
        self.size = os.path.getsize(self.path)

    @property
    def bytes_read(self) -> int:
        return self._raw.tell()

    @property
    def encoding(self) -> str | None:
        return self._text.encoding_used

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _header(self, reader: Iterator[list[str]]) -> list[tuple[int, int]]:
        """Check the header; return for each file column the index of its sheet column."""
        sheet, name = self.sheet, self.name
        try:
            header = next(reader)
        except StopIteration:
            raise BundleError(name, 1, "the file is empty; it needs at least the header line: "
                              + ",".join(sheet.headers)) from None
        except csv.Error as e:
            raise BundleError(name, 1, f"unreadable header: {e}") from None
        known = {h: i for i, h in enumerate(sheet.headers)}
        seen: dict[str, int] = {}
        mapping = []
        for col, raw in enumerate(header, 1):
            h = raw.strip().lstrip("\ufeff")
            if h not in known:
                raise BundleError(name, 1, f"unknown column {h!r}; the columns of {name} are "
                                  + ", ".join(sheet.headers), column=col)
            if h in seen:
                raise BundleError(name, 1, f"column {h!r} appears twice (also column {seen[h]})",
                                  column=col, header=h)
            seen[h] = col
            mapping.append((col, known[h]))
        missing = [c.header for c in sheet.columns if c.required and c.header not in seen]
        if missing:
            raise BundleError(name, 1, "missing required column" + ("s " if len(missing) > 1 else " ")
                              + ", ".join(missing))
        return mapping

    def header(self) -> list[tuple[int, int]]:
        """Read and check the header (the first call only); ``(file column,
        sheet column index)`` per column of the file."""
        if self._reader is None:
            self._reader = csv.reader(self._text, strict=True)
            self._mapping = self._header(self._reader)
        return self._mapping

    def cells(self) -> Iterator[tuple[int, list[str] | BundleError]]:
        """Yield ``(line, cells)`` for every data row with as many cells as the
        header (``(line, error)`` for one without); blank lines are skipped. A
        problem with the file as a whole raises :class:`BundleError`."""
        width = len(self.header())
        reader, name = self._reader, self.name
        assert reader is not None  # header() made it
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield line, BundleError(name, line, f"unreadable CSV: {e}")
                continue
            if len(cells) != width or width == 1:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                if len(cells) != width:
                    yield line, BundleError(name, line,
                                            f"{len(cells)} cells, but the header has {width} columns")
                    continue
            yield line, cells

    def record(self, line: int, cells: list[str]) -> Row:
        """The row's record built by the model, or what is wrong with it; ``cells`` is a row of
        :meth:`cells`, as many as the header has columns."""
        convert = self._convert
        if convert is None:
            cols = self.sheet.columns
            # per file column: the field and its parser (None: the text as it is)
            convert = self._convert = [(cols[i].field, None if cols[i].parse is _text_cell else cols[i].parse)
                                       for _, i in self._mapping]
        kwargs = {f: (cell if p is None else p(cell))
                  for (f, p), cell in zip(convert, cells, strict=True) if cell}
        # a required cell left empty (a referral's createdAt too, which the model would fill with "now")
        for c in self.sheet.columns:
            if c.required and c.field not in kwargs:
                required = ValidationError(c.header, "is required")
                return Row(line, None, self.error_at(line, required, c.header))
        try:
            return Row(line, self.sheet.record_type(**kwargs), None)
        except ValidationError as e:
            return Row(line, None, self.error_at(line, e))

    def error_at(self, line: int, err: ValidationError, header: str | None = None) -> BundleError:
        """The error ``err`` about this file's row at ``line``, with its column."""
        found = self.sheet.column_of(header or err.field)
        col = hdr = None
        if found is not None:
            _, hdr = found
            for filecol, i in self._mapping:
                if self.sheet.columns[i].header == hdr:
                    col = filecol
        message = err.message
        if found is None and err.field:
            message = f"{err.field}: {message}"
        out = BundleError(self.name, line, message, column=col, header=hdr)
        out.code = err.code
        return out
