"""The mutations as the API and the CLI perform them: the write (one unit of
work, :mod:`service.writes`), then its entry in the audit trail, and for
referrals their moves and follow-up, all in one call so a caller makes one
trip to a worker thread.

An audit entry is written right after the unit of work commits (see
:mod:`service.audit` for what a crash in between loses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.model import Record, Referral, camel

from . import audit, followup, writes
from .principal import Principal
from .settings import Settings


def _detail(op: Callable[..., Any], rec: Record, args: tuple[Any, ...]) -> dict[str, Any]:
    if op is writes.record_receipt:
        return {"serviceId": args[1]}
    if op is followup.set_follow_up:
        return {"followUpOn": args[1].isoformat() if args[1] else None}
    status = getattr(rec, "status", None)
    return {"status": status.value} if status is not None else {}


def perform(store: Any, p: Principal, request_id: str | None, op: Callable[..., Record], *args: Any,
            **kwargs: Any) -> Any:
    """``op(store, p, *args, **kwargs)``, then one audit entry named after the mutation."""
    rec = op(store, p, *args, **kwargs)
    audit.record(store, p, camel(op.__name__), rec.LABEL, [rec.key], request_id, _detail(op, rec, args))
    return rec


def create_referral(store: Any, p: Principal, request_id: str | None, **fields: Any) -> Referral:
    """A PROPOSED referral, audited; its creation starts its history (a repeat adds nothing)."""
    rec: Referral = perform(store, p, request_id, writes.create_referral, **fields)
    if not audit.referral_history(store, rec.id):
        audit.record_move(store, p, rec.id, None, rec.status.value, request_id, rec.created_at)
    return rec


def update_referral(store: Any, p: Principal, request_id: str | None, settings: Settings, referral_id: str,
                    status: Any) -> Referral:
    """Move a referral, audited; each move goes to its history, and a delivery
    sets the default follow-up date."""
    moves: list[tuple[str, str, str]] = []
    rec: Referral = perform(store, p, request_id, writes.update_referral, referral_id, status, moves=moves)
    for old, new, at in moves:
        audit.record_move(store, p, rec.id, old, new, request_id, at)
    if moves:
        followup.after_delivery(store, p, rec, settings.follow_up_days)
    return rec
