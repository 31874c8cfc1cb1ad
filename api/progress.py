"""A progress bar for long commands: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO


@contextlib.contextmanager
def progress_bar(description: str, total: int | None, *, unit: str = "bytes",
                 stream: TextIO | None = None) -> Iterator[Callable[[int, int | None], None]]:
    """Yield ``update(done, total)``; draws with rich when ``stream`` (stderr by
    default) is a terminal and does nothing otherwise, so logs and pipes stay clean."""
    stream = stream or sys.stderr
    if not stream.isatty():

        def silent(done: int, new_total: int | None = None) -> None:
            return None

        yield silent
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    with Progress(TextColumn("{task.description}"), BarColumn(), amount, TimeRemainingColumn(),
                  console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, new_total: int | None = None) -> None:
            bar.update(task, completed=done, total=new_total if new_total is not None else total)

        yield update
