"""Household visibility for resolvers: the async face of
:func:`schema.permissions.decide_household`, fed by the request's loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.types import Info

from api.principal import Role
from graph import model
from graph.errors import NotFoundError

from .permissions import decide_household

if TYPE_CHECKING:  # pragma: no cover
    from .types import Household


async def region_chain(info: Info, region_id: str) -> list[str]:
    """The region and its ancestors, nearest first, through the Region loader."""
    out: list[str] = []
    cur: str | None = region_id
    while cur is not None and cur not in out:
        out.append(cur)
        rec = await info.context.loaders.get("Region", cur)
        cur = rec.parent_id if isinstance(rec, model.Region) else None
    return out


async def own_service_ids(info: Info) -> frozenset[str]:
    """Ids of the services the calling partner's organization provides."""
    org = info.context.principal.organization_id
    index = await info.context.loaders.index("services_by_provider")
    return frozenset(s.id for s in index.get(org, ())) if org else frozenset()


async def _own_referrals(info: Info, household_id: str) -> list[model.Referral]:
    parts = await info.context.loaders.parts.load(household_id)
    own = await own_service_ids(info)
    return [r for r in (parts.referrals if parts else ()) if r.resource_label == "Service" and r.resource_id in own]


async def household(info: Info, household_id: str, field: str = "householdId") -> Household:
    """The household as the caller may see it; NOT_FOUND, UNAUTHENTICATED or FORBIDDEN otherwise."""
    from .types import Household

    p = info.context.principal
    rec = await info.context.loaders.get("Household", household_id)
    if not isinstance(rec, model.Household):
        raise NotFoundError(field, f"no Household with id {household_id!r}")
    chain = await region_chain(info, rec.region_id) if p.role is Role.CASEWORKER else []
    own = p.role is Role.PARTNER and bool(await _own_referrals(info, household_id))
    hh = Household(rec=rec, access=decide_household(p, rec, chain, own))
    info.context.households_read.add(rec.id)  # allowed (decide_household raises otherwise): audited
    return hh


async def visible_referrals(info: Info, hh: Household) -> list[model.Referral]:
    """All referrals for full access; a partner's own ones otherwise."""
    if hh.access != "full":
        return await _own_referrals(info, hh.rec.id)
    parts = await info.context.loaders.parts.load(hh.rec.id)
    return list(parts.referrals) if parts else []


async def visible_needs(info: Info, hh: Household) -> list[model.Need]:
    """All needs for full access; a partner sees the needs its own referrals cover."""
    parts = await info.context.loaders.parts.load(hh.rec.id)
    needs = list(parts.needs) if parts else []
    if hh.access == "full":
        return needs
    wanted = {nid for r in await _own_referrals(info, hh.rec.id) for nid in r.need_ids}
    return [n for n in needs if n.id in wanted]
