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

from . import audit, consent, followup, writes
from .principal import Principal
from .settings import Settings


def _detail(op: Callable[..., Any], rec: Record, args: tuple[Any, ...],
            kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    if op is writes.update_service:
        return {"changed": sorted(camel(k) for k in (kwargs or {}))}
    if op is writes.record_receipt:
        return {"serviceId": args[1]}
    if op is followup.set_follow_up:
        return {"followUpOn": args[1].isoformat() if args[1] else None}
    status = getattr(rec, "status", None)
    out = {"status": status.value} if status is not None else {}
    for k in ("reason", "note"):  # updateReferral's decline reason and outcome note
        if op is writes.update_referral and (kwargs or {}).get(k):
            out[k] = kwargs[k]  # type: ignore[index]
    return out


def perform(store: Any, p: Principal, request_id: str | None, op: Callable[..., Record], *args: Any,
            **kwargs: Any) -> Any:
    """``op(store, p, *args, **kwargs)``, then one audit entry named after the mutation."""
    rec = op(store, p, *args, **kwargs)
    detail = _detail(op, rec, args, kwargs)
    audit.record(store, p, camel(op.__name__), rec.LABEL, [rec.key], request_id, detail)
    return rec


def create_referral(store: Any, p: Principal, request_id: str | None, **fields: Any) -> Referral:
    """A PROPOSED referral, audited; its creation starts its history (a repeat adds nothing)."""
    rec: Referral = perform(store, p, request_id, writes.create_referral, **fields)
    if not audit.referral_history(store, rec.id):
        audit.record_move(store, p, rec.id, None, rec.status.value, request_id, rec.created_at)
    return rec


def update_referral(store: Any, p: Principal, request_id: str | None, settings: Settings, referral_id: str,
                    status: Any, reason: str | None = None, note: str | None = None) -> Referral:
    """Move a referral, audited; each move goes to its history, and a delivery
    sets the default follow-up date. ``reason``: why it is declined; ``note``: the outcome."""
    moves: list[tuple[str, str, str]] = []
    rec: Referral = perform(store, p, request_id, writes.update_referral, referral_id, status, moves=moves,
                            reason=reason, note=note)
    for old, new, at in moves:
        audit.record_move(store, p, rec.id, old, new, request_id, at)
    if moves:
        followup.after_delivery(store, p, rec, settings.follow_up_days, settings.timezone)
    return rec


def record_consent(store: Any, p: Principal, request_id: str | None, household_id: str,
                   **fields: Any) -> consent.Consent:
    """Record a household's consent (:mod:`service.consent`), audited on the household."""
    c = consent.record_consent(store, p, household_id, **fields)
    audit.record(store, p, "recordConsent", "Household", [household_id, c.id], request_id,
                 {"consentId": c.id, "domains": [d.value for d in c.domains],
                  "organizationIds": list(c.organization_ids), "method": c.method.value,
                  "givenOn": c.given_on.isoformat()})
    return c


def revoke_consent(store: Any, p: Principal, request_id: str | None, household_id: str,
                   consent_id: str) -> consent.Consent:
    """Revoke a consent, audited on the household."""
    c = consent.revoke_consent(store, p, household_id, consent_id)
    audit.record(store, p, "revokeConsent", "Household", [household_id, c.id], request_id,
                 {"consentId": c.id, "revokedAt": c.revoked_at})
    return c


def override_consent(store: Any, p: Principal, request_id: str | None, household_id: str,
                     **fields: Any) -> consent.Override:
    """An emergency override, with its reason and approver in the audit trail."""
    o = consent.override_consent(store, p, household_id, **fields)
    audit.record(store, p, "overrideConsent", "Household", [household_id, o.id], request_id,
                 {"organizationId": o.organization_id, "reason": o.reason, "approvedBy": o.approved_by})
    return o
