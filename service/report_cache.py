"""Reports kept until the records change (issue 23 part 2).

A coordinator's coverage of a province takes seconds at 100,000 households,
and a warm server is asked for the same report again and again (the page
reloads, a second coordinator opens it) while nothing changed. :func:`cached`
keeps the last answers per store, each with the store's
:meth:`graph.store.Store.change_mark` taken *before* it was computed, and gives
one back only while the store's mark is still that one: a commit of this
process or of another one moves the mark and the report is computed afresh. A
store that cannot tell (mark None: Neo4j) is never served from here.

The key also holds today's date: a view's service counters are this period's
(:mod:`graph.periods`), so a report computed yesterday is not today's even with
no commit in between.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from graph.store import Store
from i18n import clock

T = TypeVar("T")

#: answers kept per store (the oldest goes first)
LIMIT = 32

_lock = threading.Lock()
#: store -> (its mark when the answers were computed, key -> answer)
_kept: weakref.WeakKeyDictionary[object, tuple[object, dict[Hashable, object]]] = weakref.WeakKeyDictionary()


def cached(store: Store, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or the answer it gave for ``key`` while the store's records were as they are now."""
    mark = store.change_mark()
    if mark is None:
        return compute()
    full_key = (key, clock.today())
    with _lock:
        got = _kept.get(store)
        if got is not None and got[0] == mark and full_key in got[1]:
            return got[1][full_key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        got = _kept.get(store)
        if got is None or got[0] != mark:
            got = (mark, {})
            _kept[store] = got
        answers = got[1]
        answers[full_key] = value
        while len(answers) > LIMIT:
            del answers[next(iter(answers))]
    return value


def forget(store: Store) -> None:
    """Drop every answer kept for ``store``."""
    with _lock:
        _kept.pop(store, None)
