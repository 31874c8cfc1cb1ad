"""The HSDS API's use cases: Dolbom's directory as Open Referral HSDS 3.1, read-only.

What :mod:`api.hsds` serves under ``/hsds/`` (the routes of the HSDS OpenAPI
document that fit Dolbom): the API's version, pages of services,
organizations, taxonomies and taxonomy terms, and one service or organization
fully nested. The objects are the ones ``dolbom export-hsds`` writes
(:func:`loaders.hsds_export.build_hsds`): the same ids (a Dolbom id that is a
UUID, else a stable uuid5; the Dolbom id rides along as the attribute of
taxonomy ``dolbom-identifier``), the same service areas, cost options,
capacities and terms. The directory is open (no personal data: organizations
and services only), as in GraphQL.

A page is the spec's paged list: ``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty`` and
``contents``. Each call builds the objects from the store afresh (nothing
kept between calls, so nothing goes stale): O(organizations + services).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from graph.errors import ValidationError
from graph.model import Region, Service
from graph.store import Store
from loaders.hsds_export import VERSION, build_hsds
from loaders.hsds_mapping import norm

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"


def info() -> dict[str, Any]:
    """``GET /``: the HSDS version served and its profile."""
    return {"version": VERSION, "profile": PROFILE,
            "openapi_url": PROFILE.replace("overview.html", "api.html")}


def _page(items: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    if page < 1:
        raise ValidationError("page", f"must be at least 1 (got {page})")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError("per_page", f"must be between 1 and {MAX_PER_PAGE} (got {per_page})")
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    contents = items[(page - 1) * per_page: page * per_page]
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def _matches(text: str | None) -> Callable[[dict[str, Any]], bool]:
    """Text search: every word of ``text`` in the name, description or a term's name or code."""
    if text is None:
        return lambda _obj: True
    words = norm(text).split()

    def hay(obj: dict[str, Any]) -> str:
        terms = [f"{a['taxonomy_term']['code']} {a['taxonomy_term']['name']}"
                 for a in obj.get("attributes", ()) if a["taxonomy_term"]["taxonomy"] != "dolbom-identifier"]
        return norm(" ".join([obj.get("name", ""), obj.get("description", ""), *terms]))

    return lambda obj: all(w in hay(obj) for w in words)


def _term_ids(obj: dict[str, Any]) -> set[str]:
    return {a["taxonomy_term_id"] for a in obj.get("attributes", ())}


def _taxonomy_ids(obj: dict[str, Any]) -> set[str]:
    return {a["taxonomy_term"]["taxonomy_id"] for a in obj.get("attributes", ())}


def _with_org(service: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    org = orgs.get(service["organization_id"])
    return {**service, "organization": org} if org is not None else service


def _region_ids(store: Store, region_id: str) -> set[str]:
    """The region and every region above it: a service serving an ancestor serves it too."""
    regions = {r.id: r for r in store.list("Region") if isinstance(r, Region)}
    if region_id not in regions:
        raise ValidationError("region_id", f"no region with id {region_id!r}")
    out: set[str] = set()
    cur: str | None = region_id
    while cur is not None and cur not in out:
        out.add(cur)
        cur = regions[cur].parent_id if cur in regions else None
    return out


def services(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE, search: str | None = None,
             taxonomy_term_id: str | None = None, taxonomy_id: str | None = None,
             organization_id: str | None = None, region_id: str | None = None) -> dict[str, Any]:
    """``GET /services``: a page of services (with their organization), filtered by text, term,
    taxonomy, organization and the region served (Dolbom's region id: services serving it or a
    region above it)."""
    orgs, svcs, _tables, _lost = build_hsds(store)
    by_org = {o["id"]: o for o in orgs}
    keep = _matches(search)
    wanted_regions = _region_ids(store, region_id) if region_id is not None else None
    ids = {s.key: s for s in store.list("Service")}
    out = []
    for svc in svcs:
        if not keep(svc):
            continue
        if taxonomy_term_id is not None and taxonomy_term_id not in _term_ids(svc):
            continue
        if taxonomy_id is not None and taxonomy_id not in _taxonomy_ids(svc):
            continue
        if organization_id is not None and svc["organization_id"] != organization_id:
            continue
        if wanted_regions is not None:
            rec = ids.get(_dolbom_id(svc))
            if not isinstance(rec, Service) or not wanted_regions & set(rec.region_ids):
                continue
        out.append(_with_org(svc, by_org))
    return _page(out, page, per_page)


def _dolbom_id(obj: dict[str, Any]) -> str:
    for a in obj.get("attributes", ()):
        if a["taxonomy_term"]["taxonomy"] == "dolbom-identifier":
            return str(a["value"])
    return str(obj["id"])


def service(store: Store, key: str) -> dict[str, Any] | None:
    """``GET /services/{id}``: one service fully nested (its organization included), found by its
    HSDS id or its Dolbom id; None when there is none."""
    orgs, svcs, _tables, _lost = build_hsds(store)
    by_org = {o["id"]: o for o in orgs}
    for svc in svcs:
        if svc["id"] == key or _dolbom_id(svc) == key:
            return _with_org(svc, by_org)
    return None


def organizations(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
                  search: str | None = None) -> dict[str, Any]:
    """``GET /organizations``: a page of organizations, filtered by text."""
    orgs, _svcs, _tables, _lost = build_hsds(store)
    keep = _matches(search)
    return _page([o for o in orgs if keep(o)], page, per_page)


def organization(store: Store, key: str) -> dict[str, Any] | None:
    """``GET /organizations/{id}``: one organization with its services (without their organization)."""
    orgs, svcs, _tables, _lost = build_hsds(store)
    for org in orgs:
        if org["id"] == key or _dolbom_id(org) == key:
            return {**org, "services": [s for s in svcs if s["organization_id"] == org["id"]]}
    return None


def taxonomies(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> dict[str, Any]:
    """``GET /taxonomies``: Dolbom's taxonomies in use."""
    _orgs, _svcs, tables, _lost = build_hsds(store)
    return _page(sorted(tables["taxonomy"], key=lambda t: t["name"]), page, per_page)


def taxonomy_terms(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
                   taxonomy_id: str | None = None, search: str | None = None) -> dict[str, Any]:
    """``GET /taxonomy_terms``: the terms in use (ids excepted), filtered by taxonomy and text."""
    _orgs, _svcs, tables, _lost = build_hsds(store)
    words = norm(search).split() if search is not None else []
    terms = [t for t in tables["taxonomy_term"] if t["taxonomy"] != "dolbom-identifier"
             and (taxonomy_id is None or t["taxonomy_id"] == taxonomy_id)
             and all(w in norm(f"{t['code']} {t['name']}") for w in words)]
    return _page(sorted(terms, key=lambda t: (t["taxonomy"], t["code"])), page, per_page)
