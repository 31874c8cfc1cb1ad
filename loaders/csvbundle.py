"""CSV bundles in and out of a store: ``dolbom load``, ``dolbom export``, ``dolbom generate``.

The format (files, columns, cells) is :mod:`loaders.bundle`; reading one file
(encodings, header, rows) is :mod:`loaders.csvfile`; the all-or-nothing write
is :mod:`graph.bulk`. This module puts them together:

* :func:`load_bundle` reads the files in dependency order, streams their rows
  in batches into one bulk load and commits only if every row passed (or,
  with ``skip_invalid``, commits the good rows and reports the bad ones).
  Every problem names file, line, column and reason. Loading the same bundle
  twice changes nothing.
* :func:`export_bundle` writes a store's records as a bundle; :func:`write_bundle`
  writes any stream of records (the synthetic generator's) as one. Files are
  written under temporary names and renamed at the end, so a failed export
  leaves no half-written bundle behind.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from graph.bulk import bulk_load, duplicate
from graph.errors import ValidationError
from graph.model import Record, receipt_key
from graph.view import paused_gc

from .bundle import SHEET_BY_FILE, SHEET_BY_LABEL, SHEETS, Sheet
from .csvfile import BundleError, SheetReader
from .fastrows import compile_row
from .prepare import Worker, batches

BATCH = 5_000
#: big files smaller than this are read in the loading process (a worker takes ~0.3 s to start)
WORKER_MIN_BYTES = 4 << 20
#: a generous guess of a bundle row's bytes (the synthetic province's average 65), to guess a load's rows
BYTES_PER_ROW = 100
#: at most this many problems are kept in a report (the count is always exact)
MAX_REPORTED = 1_000

ENCODINGS = ("utf-8", "utf-8-sig", "cp949")


class BundleInvalid(BundleError):
    """The bundle has bad rows and nothing was written; located at the first."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        first = report.problems[0]
        more = report.invalid - 1
        tail = f" (and {more:,} more problem{'s' if more != 1 else ''}; nothing was written)" if more else \
            " (nothing was written)"
        super().__init__(first.file, first.line, first.message + tail,
                         column=first.column, header=first.header)


@dataclass
class LoadReport:
    directory: str
    #: rows read per file
    rows: dict[str, int] = field(default_factory=dict)
    #: encoding found per file
    encodings: dict[str, str] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    invalid: int = 0
    problems: list[BundleError] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def add_problem(self, err: BundleError) -> None:
        self.invalid += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(err)

    def to_dict(self) -> dict:
        return {
            "directory": self.directory, "rows": self.rows, "encodings": self.encodings,
            "written": self.written, "unchanged": self.unchanged, "invalid": self.invalid,
            "committed": self.committed, "seconds": round(self.seconds, 3),
            "problems": [p.to_dict() for p in self.problems],
        }


Progress = Callable[[int, int], None]


def bundle_files(directory: str | os.PathLike[str]) -> list[tuple[Sheet, Path]]:
    """The bundle's files in load order; unknown ``.csv`` files are an error."""
    d = Path(directory)
    if not d.is_dir():
        raise BundleError(str(d), 0, "no such directory")
    found = []
    for p in sorted(d.iterdir()):
        if p.suffix.lower() == ".csv" and p.name not in SHEET_BY_FILE:
            raise BundleError(p.name, 0, "unknown file; a bundle's files are " + ", ".join(SHEET_BY_FILE))
    for sheet in SHEETS:
        p = d / sheet.filename
        if p.is_file():
            found.append((sheet, p))
    if not found:
        raise BundleError(str(d), 0, "no bundle files here; expected any of " + ", ".join(SHEET_BY_FILE))
    return found


def load_bundle(store, directory: str | os.PathLike[str], *, skip_invalid: bool = False,
                encoding: str | None = None, batch: int = BATCH,
                progress: Progress | None = None, workers: bool | None = None) -> LoadReport:
    """Load a CSV bundle into ``store`` (see the module doc).

    ``workers``: read the big kinds' files in a worker process
    (:mod:`loaders.prepare`); by default when there are at least two cores and
    those files hold at least :data:`WORKER_MIN_BYTES`.

    Raises :class:`BundleInvalid` (nothing written) when a row is bad and
    ``skip_invalid`` is false; a problem with a whole file (missing column,
    unknown file, empty file, undecodable bytes) always aborts.
    ``progress(done_bytes, total_bytes)`` is called as the files are read.
    """
    if encoding is not None and encoding not in ENCODINGS:
        raise ValidationError("encoding", f"must be one of {', '.join(ENCODINGS)} (got {encoding!r})")
    t0 = time.perf_counter()
    files = bundle_files(directory)
    total = sum(p.stat().st_size for _, p in files)
    report = LoadReport(directory=str(directory))
    done = 0
    # no cyclic collection while rows stream: the batches' short-lived tuples made it run every few
    # hundred rows, each time walking the batch (a tenth of a large load's time)
    with bulk_load(store, expected_rows=total // BYTES_PER_ROW) as load, paused_gc():
        readers: dict[str, SheetReader] = {}

        #: duplicates whose first line the bulk load did not know: (line, key)
        unplaced: list[tuple[int, str]] = []

        def note(problems) -> None:
            for label, line, err in problems:
                if getattr(err, "duplicate", None) is not None and err.first_line is None:
                    report.invalid += 1  # counted now; placed (and kept, up to the cap) when the file ends
                    if len(report.problems) + len(unplaced) < MAX_REPORTED:
                        unplaced.append((line, err.duplicate))
                    continue
                reader = readers[label]
                report.add_problem(err if isinstance(err, BundleError) else reader.error_at(line, err))

        big = [(sheet.label, path) for sheet, path in files if load.takes_prepared(sheet.label)]
        if workers is None:
            workers = (os.name == "posix" and (os.cpu_count() or 1) > 1
                       and sum(p.stat().st_size for _, p in big) >= WORKER_MIN_BYTES)
        with contextlib.ExitStack() as stack:
            worker = stack.enter_context(Worker(big, encoding, batch)) if workers and big else None
            for sheet, path in files:
                reader = stack.enter_context(SheetReader(path, sheet, encoding))
                readers[sheet.label] = reader
                reader.header()  # a file-wide problem stops the load here, in file order
                if worker is not None and load.takes_prepared(sheet.label):
                    events = worker.events(sheet.label)
                else:
                    fast = compile_row(sheet, reader.header()) if load.takes_prepared(sheet.label) else None
                    events = batches(reader, fast, batch)
                n, used, size = 0, reader.encoding, reader.size
                for event in events:
                    if event[0] == "rows":
                        note(load.add_rows(sheet.label, event[1], event[2]))
                        if progress is not None:
                            progress(done + event[3], total)
                    elif event[0] == "problem":
                        report.add_problem(event[1])
                    else:
                        _, n, used, size = event
                    if not skip_invalid and report.invalid >= MAX_REPORTED:
                        break
                note(load.end(sheet.label))
                if unplaced:
                    first = _first_lines(path, sheet, encoding, {key for _, key in unplaced})
                    for line, key in unplaced:
                        problem = duplicate(sheet.label, key, first.get(key))
                        report.problems.append(reader.error_at(line, problem))
                    unplaced.clear()
                report.rows[sheet.filename] = n
                report.encodings[sheet.filename] = used or "ascii"
                done += size
                if progress is not None:
                    progress(done, total)
                if not skip_invalid and report.invalid >= MAX_REPORTED:
                    break
        note(load.finish())
        report.problems.sort(key=lambda e: ([s.filename for s in SHEETS].index(e.file)
                                            if e.file in SHEET_BY_FILE else -1, e.line))
        if report.invalid and not skip_invalid:
            report.seconds = time.perf_counter() - t0
            raise BundleInvalid(report)
        stats = load.commit()
    report.written, report.unchanged = stats.written, stats.unchanged
    report.committed = True
    report.seconds = time.perf_counter() - t0
    return report


def _first_lines(path: Path, sheet: Sheet, encoding: str | None, keys: set[str]) -> dict[str, int]:
    """``key -> line`` where each of ``keys`` first comes in the file in a row
    the model accepts (read again: only a load with duplicates that were not
    in the same batch needs it)."""
    out: dict[str, int] = {}
    with SheetReader(path, sheet, encoding) as reader:
        at = {sheet.columns[i].field: col - 1 for col, i in reader.header()}
        fast = compile_row(sheet, reader.header())
        if sheet.label == "Receipt":
            hh, svc = at["household_id"], at["service_id"]

            def key_of(cells: list[str], /) -> str:  # positional-only, as the itemgetter below
                return receipt_key(cells[hh], cells[svc])
        else:
            key_of = itemgetter(at["id"])
        for line, cells in reader.cells():
            if type(cells) is list:
                key = key_of(cells)
                if key in keys and key not in out and (
                        (fast is not None and fast(cells) is not None)
                        or reader.record(line, cells).error is None):
                    out[key] = line
    return out


# -- writing ---------------------------------------------------------------------------


class _BundleWriter:
    """Writes a bundle into a temporary folder next to ``directory`` and moves
    the files into place only when every one is complete."""

    def __init__(self, directory: str | os.PathLike[str], encoding: str = "utf-8-sig") -> None:
        if encoding not in ENCODINGS:
            raise ValidationError("encoding", f"must be one of {', '.join(ENCODINGS)} (got {encoding!r})")
        self.directory = Path(directory)
        self.encoding = encoding
        self.counts: dict[str, int] = {}
        self._files: dict[str, tuple[object, csv._writer]] = {}  # type: ignore[name-defined]

    def __enter__(self) -> _BundleWriter:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._tmp = Path(tempfile.mkdtemp(prefix=".dolbom-bundle-", dir=self.directory))
        except OSError as e:
            raise ValidationError("directory",
                                  f"cannot write to {str(self.directory)!r}: {e.strerror}") from None
        try:
            for sheet in SHEETS:
                f = open(self._tmp / sheet.filename, "w", encoding=self.encoding, newline="")
                w = csv.writer(f, lineterminator="\r\n")
                w.writerow(sheet.headers)
                self._files[sheet.label] = (f, w)
                self.counts[sheet.filename] = 0
        except BaseException as e:
            self.__exit__(type(e), e, None)  # closes what was opened and removes the temporary folder
            raise
        return self

    def write(self, rec: Record) -> None:
        sheet = SHEET_BY_LABEL[rec.LABEL]
        try:
            self._files[rec.LABEL][1].writerow(sheet.row(rec))
        except UnicodeEncodeError as e:
            raise ValidationError("encoding", f"{rec.LABEL} {rec.key!r} has {e.object[e.start:e.end]!r}, "
                                  f"which {self.encoding} cannot write; export as utf-8") from None
        self.counts[sheet.filename] += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            for f, _ in self._files.values():
                f.close()  # type: ignore[attr-defined]
            if exc_type is None:
                for sheet in SHEETS:
                    os.replace(self._tmp / sheet.filename, self.directory / sheet.filename)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)


def write_bundle(records: Iterable[Record], directory: str | os.PathLike[str], *,
                 encoding: str = "utf-8-sig",
                 progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write ``records`` as a bundle; returns rows written per file."""
    with _BundleWriter(directory, encoding) as w:
        for i, rec in enumerate(records, 1):
            w.write(rec)
            if progress is not None and i % BATCH == 0:
                progress(i)
    return w.counts


def export_bundle(store, directory: str | os.PathLike[str], *, encoding: str = "utf-8-sig") -> dict[str, int]:
    """Write every record of ``store`` as a bundle, each file sorted by id."""

    def records() -> Iterable[Record]:
        for sheet in SHEETS:
            after = None
            while True:
                page = store.list(sheet.label, after=after, limit=BATCH)
                if not page:
                    break
                yield from page
                after = page[-1].key

    return write_bundle(records(), directory, encoding=encoding)
