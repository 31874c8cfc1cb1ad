"""Household visibility for resolvers: the facts :func:`service.permissions.decide_household`
needs, gathered through the request's DataLoaders (the decision itself lives in the service
layer). Returns domain records, never GraphQL types."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from graph import model
from graph.errors import NotFoundError
from service import consent
from service.permissions import decide_household
from service.principal import Role


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
    """The household's referrals to the partner's own services that the consent rule still lets
    it see (service/consent.py: revoking consent hides them at once)."""
    parts = await info.context.loaders.parts.load(household_id)
    own = await own_service_ids(info)
    mine = [r for r in (parts.referrals if parts else ())
            if r.resource_label == "Service" and r.resource_id in own]
    if not mine:
        return []
    return await run_in_threadpool(consent.visible_referrals, info.context.store,
                                   info.context.principal.organization_id, household_id, mine)


async def household(info: Info, household_id: str, field: str = "householdId") -> tuple[model.Household, str]:
    """The household record and how much of it the caller may see (``"full"`` or
    ``"partner"``); NOT_FOUND, UNAUTHENTICATED or FORBIDDEN otherwise. Noted for the
    request's read audit."""
    p = info.context.principal
    rec = await info.context.loaders.get("Household", household_id)
    if not isinstance(rec, model.Household):
        raise NotFoundError(field, f"no Household with id {household_id!r}")
    chain = await region_chain(info, rec.region_id) if p.role is Role.CASEWORKER else []
    own = p.role is Role.PARTNER and bool(await _own_referrals(info, household_id))
    level = decide_household(p, rec, chain, own)
    info.context.households_read.add(rec.id)  # allowed (decide_household raises otherwise): audited
    return rec, level


async def visible_referrals(info: Info, household_id: str, level: str) -> list[model.Referral]:
    """All referrals for full access; a partner's own ones otherwise."""
    if level != "full":
        return await _own_referrals(info, household_id)
    parts = await info.context.loaders.parts.load(household_id)
    return list(parts.referrals) if parts else []


async def visible_needs(info: Info, household_id: str, level: str) -> list[model.Need]:
    """All needs for full access; a partner sees the needs its own referrals cover."""
    parts = await info.context.loaders.parts.load(household_id)
    needs = list(parts.needs) if parts else []
    if level == "full":
        return needs
    wanted = {nid for r in await _own_referrals(info, household_id) for nid in r.need_ids}
    return [n for n in needs if n.id in wanted]
