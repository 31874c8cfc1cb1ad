"""Reading a bundle file into batches of rows, here or in a worker process.

:func:`batches` turns one file into a stream of events::

    ("rows", lines, rows, bytes_read)          # a batch: Prepared rows (tuples) or model records
    ("problem", BundleError)                   # a row that is wrong
    ("end", rows, encoding, size)              # the file is done

A large load reads its households, needs, referrals and receipts in a
:class:`Worker` process: checking cells and encoding stored rows is most of the
Python work of a load, and it runs there while this process checks
references and writes to SQLite. The worker is ``python -m loaders.prepare``
and sends the same events, pickled, through a pipe of its own whose 1 MiB
buffer keeps it a few batches ahead at most, so memory stays flat. A
file-wide problem in the worker (an undecodable byte, say) comes back as the
same :class:`BundleError`; if the worker dies, the load fails saying so (and
what it printed), and nothing is written.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from graph.embedded import Prepared

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the pipe keeps its default size
    fcntl = None  # type: ignore[assignment]

from .bundle import SHEET_BY_LABEL
from .csvfile import BundleError, SheetReader
from .fastrows import RowFunction, compile_row

Event = tuple[Any, ...]

#: the pipe's buffer: a few batches, so neither side waits on the other's every step (memory stays bounded)
_PIPE_BYTES = 1 << 20


def batches(reader: SheetReader, fast: RowFunction | None, batch: int, *, prepare: bool = False
            ) -> Iterator[Event]:
    """The events of one file (see the module doc). Rows go the ``fast`` way
    when it takes them, else the model's; ``prepare`` turns the model's records
    into :class:`Prepared` rows too (for the pipe: smaller, and all alike)."""
    lines: list[int] = []
    rows: list[Any] = []
    n = 0
    for line, cells in reader.cells():
        n += 1
        if isinstance(cells, BundleError):
            yield "problem", cells
            continue
        got: Any = fast(cells) if fast is not None else None
        if got is None:  # the model's way: the record, or exactly what is wrong
            row = reader.record(line, cells)
            if row.error is not None:
                yield "problem", row.error
                continue
            got = tuple(Prepared.of(row.record)) if prepare else row.record  # type: ignore[arg-type]
        lines.append(line)
        rows.append(got)
        if len(rows) >= batch:
            yield "rows", lines, rows, reader.bytes_read
            lines, rows = [], []
    if rows:
        yield "rows", lines, rows, reader.bytes_read
    yield "end", n, reader.encoding or "ascii", reader.size


# -- the worker process ------------------------------------------------------------------


def _error_state(err: BundleError) -> tuple[Any, ...]:
    return err.file, err.line, err.message, err.column, err.header, getattr(err, "code", None)


def _error_from(state: tuple[Any, ...]) -> BundleError:
    file, line, message, column, header, code = state
    err = BundleError(file, line, message, column=column, header=header)
    if code is not None:
        err.code = code
    return err


def _work(conn: _Sender, files: list[tuple[str, str]], encoding: str | None, batch: int) -> None:
    """The worker's whole life: every file's events down the pipe, rows as plain tuples."""
    gc.disable()  # short-lived tuples only (see graph.view.paused_gc)
    try:
        for label, path in files:
            sheet = SHEET_BY_LABEL[label]
            with SheetReader(path, sheet, encoding) as reader:
                fast = compile_row(sheet, reader.header())
                for event in batches(reader, fast, batch, prepare=True):
                    if event[0] == "problem":
                        conn.send(("problem", _error_state(event[1])))
                    else:
                        conn.send(event)
    except BundleError as e:
        conn.send(("fail", _error_state(e)))
    except BaseException:  # noqa: BLE001 - anything else is reported whole to the loading process
        conn.send(("crash", traceback.format_exc()))
    finally:
        conn.close()


class _Sender:
    """Pickles each message onto the pipe (flushed: the reader waits for whole messages)."""

    def __init__(self, fd: int) -> None:
        self._out = os.fdopen(fd, "wb", buffering=1 << 16)

    def send(self, message: object) -> None:
        pickle.dump(message, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._out.close()


class Worker:
    """A process reading ``files`` (``(label, path)``, in load order) ahead of the load.

    It is ``python -m loaders.prepare``, not a multiprocessing child: that way
    it never re-imports the caller's main script (a script without a
    ``__main__`` guard would load itself again)."""

    def __init__(self, files: list[tuple[str, Path]], encoding: str | None, batch: int) -> None:
        read, write = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # Linux: let the worker run a few batches ahead
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        root = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "PYTHONPATH": path}
        try:
            # -P: the caller's folder is not put first on the path (a graph.py there would shadow ours)
            self._proc = subprocess.Popen([sys.executable, "-P", "-m", "loaders.prepare", str(write)],
                                          env=env, stdin=subprocess.PIPE, pass_fds=(write,))
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        self._in = os.fdopen(read, "rb", buffering=1 << 16)
        try:
            assert self._proc.stdin is not None
            todo = [(label, os.path.abspath(p)) for label, p in files]
            pickle.dump((todo, encoding, batch), self._proc.stdin)
            self._proc.stdin.close()
        except BrokenPipeError:  # it died at once; events() says how
            pass
        except BaseException:
            self.close()
            raise

    def events(self, label: str) -> Iterator[Event]:
        """The events of ``label``'s file, as :func:`batches` gives them."""
        while True:
            try:
                event = pickle.load(self._in)
            except (EOFError, pickle.UnpicklingError, OSError):  # gone, perhaps mid-message
                code = self._proc.wait()
                raise RuntimeError(
                    f"the process reading the bundle stopped early (exit code {code})") from None
            kind = event[0]
            if kind == "rows":
                yield event
            elif kind == "problem":
                yield "problem", _error_from(event[1])
            elif kind == "end":
                yield event
                return
            elif kind == "fail":
                raise _error_from(event[1])
            else:
                raise RuntimeError(f"the process reading the bundle failed:\n{event[1]}")

    def close(self) -> None:
        """Stop the worker (done, or the load gave up early) and wait for it."""
        self._in.close()
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _main() -> None:
    files, encoding, batch = pickle.load(sys.stdin.buffer)
    _work(_Sender(int(sys.argv[1])), files, encoding, batch)


if __name__ == "__main__":
    _main()
