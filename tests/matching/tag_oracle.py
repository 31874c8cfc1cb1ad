"""The cost terms of issue 17 restated from the records, independently of matching/:
tag fit (a tagged need that some candidate fits but no item of the package does costs
``tag_miss``) and duplicates of a benefit already in play (``duplicate_in_play`` per
resource in play an item would duplicate). Added to matching_kit's ``oracle_cost`` by
the tests that use tagged records."""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Receipt, Record, Referral, Service, Volunteer
from graph.taxonomy import active
from matching.policy import DEFAULT_POLICY, Policy


def _resource(records: list[Record], key: str) -> Service | Volunteer:
    label, _, rid = key.partition(":")
    for r in records:
        if label == r.LABEL and r.key == rid:
            return r  # type: ignore[return-value]
    raise KeyError(key)


def _domains(r: Service | Volunteer) -> set:
    return set(r.skills if isinstance(r, Volunteer) else r.domains)


def need_tags(n) -> set[str]:
    given: set[str] = set(n.tags)
    return given or set(active().derive(n.domain, n.detail))


def same_benefit(a, b) -> bool:
    return a.form == b.form and (a.form == "CASH" or bool(set(a.tags) & set(b.tags)))


def tag_terms(records: list[Record], household_id: str, keys: Iterable[str], open_needs: list,
              candidates: Iterable[str], policy: Policy = DEFAULT_POLICY) -> float:
    """The tag-miss and duplicate terms of a package of ``keys`` (resource node keys), given the
    household's ``candidates`` (every resource that passes every rule for some open need)."""
    keys = list(keys)
    total = 0.0
    for n in open_needs:
        tags = need_tags(n)
        fits = [k for k in candidates if n.domain in _domains(_resource(records, k))
                and tags & set(_resource(records, k).tags)]
        if tags and fits and not any(k in fits for k in keys):
            total += policy.tag_miss
    received = [r.service_id for r in records if isinstance(r, Receipt) and r.household_id == household_id]
    referred = [r for r in records if isinstance(r, Referral) and r.household_id == household_id
                and r.status.value not in ("DECLINED", "CLOSED")]
    open_ids = {n.id for n in open_needs}
    # what each resource in play covers: a receipt every open need of its domains, a referral its needs
    holds: dict[str, set[str]] = {}
    for sid in received:
        s = _resource(records, f"Service:{sid}")
        holds.setdefault(f"Service:{sid}", set()).update(n.id for n in open_needs if n.domain in _domains(s))
    for ref in referred:
        holds.setdefault(f"{ref.resource_label}:{ref.resource_id}", set()).update(
            n for n in ref.need_ids if n in open_ids)
    for key in keys:
        r = _resource(records, key)
        mine = [n for n in open_needs if n.domain in _domains(r)]
        for other, covered in holds.items():
            if other != key and covered & {n.id for n in mine} and same_benefit(r, _resource(records, other)):
                total += policy.duplicate_in_play
    return round(total, 2)
