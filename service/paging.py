"""Paging shared by the use cases: the opaque cursors the list queries give out, and reading a
side table (a case's events, a referral's moves, a household's consents) key prefix by key prefix."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from graph.errors import ValidationError
from graph.store import Store
from i18n import Message


def encode_cursor(tag: str, key: str) -> str:
    """The cursor for ``key`` in the list ``tag`` names (``hh``, ``svc``, ``ref``...)."""
    return base64.urlsafe_b64encode(f"{tag}:{key}".encode()).decode()


def decode_cursor(tag: str, cursor: str) -> str:
    """The key a cursor of the list ``tag`` points after; BAD_USER_INPUT naming ``after`` if it is
    not one this API gave out for that list."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(f"{tag}:"):
        raise bad_cursor(cursor)
    return text[len(tag) + 1:]


def bad_cursor(cursor: str) -> ValidationError:
    """BAD_USER_INPUT naming ``after``: ``cursor`` is not one this API gave out."""
    return ValidationError("after", Message.of("error.cursor", cursor=repr(cursor[:40])))


def side_records(store: Store, kind: str, after: str | None = None,
                 batch: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(key, data)`` of the side table ``kind`` after ``after``, by key, read ``batch`` at a time
    (stop early and nothing more is read)."""
    while True:
        page = store.list_side(kind, after=after, limit=batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1][0]


def side_by_prefix(store: Store, kind: str, prefix: str,
                   batch: int = 200) -> list[tuple[str, dict[str, Any]]]:
    """Every ``(key, data)`` of the side table ``kind`` whose key starts with ``prefix``, by key,
    read ``batch`` at a time."""
    out: list[tuple[str, dict[str, Any]]] = []
    for key, data in side_records(store, kind, after=prefix, batch=batch):
        if not key.startswith(prefix):
            break
        out.append((key, data))
    return out
