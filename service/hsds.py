"""The HSDS API's use cases: Dolbom's directory as Open Referral HSDS 3.1, read-only.

What :mod:`api.hsds` serves under ``/hsds/`` (the routes of the HSDS OpenAPI
document that fit Dolbom): the API's version, pages of services,
organizations, taxonomies and taxonomy terms, and one service or organization
fully nested. The objects are the ones ``dolbom export-hsds`` writes (the same
builder, :class:`loaders.hsds_export._Builder`): the same ids (a Dolbom id that
is a UUID, else a stable uuid5; the Dolbom id rides along as the attribute of
taxonomy ``dolbom-identifier``), the same service areas, cost options,
capacities and terms. The directory is open (no personal data: organizations
and services only), as in GraphQL.

A page is the spec's paged list: ``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty`` and
``contents``, in the order of the store's keys (the export's order).

Cost: a request maps only the records it answers with. An unfiltered page
reads the store's count and the first ``page * per_page`` records (no mapping
of the others); a filter is a predicate over the store's records (a service's
terms, regions and provider, computed without building HSDS objects), then
only the page is mapped; one service or organization is a ``get`` by its
Dolbom id, or, for an HSDS uuid5 id, a lookup in a reverse index of the
uuid5s of the stored ids. That index is never stale: a hit is checked
against the store (a deleted record is not found), and a miss of an id shaped
like a UUID first adds the uuid5s of the records stored since it was built
(a set look-up per record, a hash only for new ones). Regions are read as a
page names them. Errors are :class:`graph.errors.ValidationError` with a
catalogue message (:mod:`i18n`), so the API renders them in the request's
language.
"""

from __future__ import annotations

import math
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from graph.errors import ValidationError
from graph.model import Organization, Region, Service
from graph.store import Store
from i18n import Message
from loaders.hsds_export import (
    ID_TAXONOMY,
    TAXONOMIES,
    VERSION,
    Builder,
    hsds_id,
    organization_description,
    organization_terms,
    service_terms,
    taxonomy_id,
    term_id,
)
from loaders.hsds_mapping import norm

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"
_IDENTITY = ("identifier", ID_TAXONOMY, "dolbom-id", "Dolbom ID", None)


def info() -> dict[str, Any]:
    """``GET /``: the HSDS version served and its profile."""
    return {"version": VERSION, "profile": PROFILE,
            "openapi_url": PROFILE.replace("overview.html", "api.html")}


# -- pages -------------------------------------------------------------------------------------------


def _check_page(page: int, per_page: int) -> None:
    if page < 1:
        raise ValidationError("page", Message.of("error.int.at_least", lo=1, got=page))
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError("per_page",
                              Message.of("error.int.between", lo=1, hi=MAX_PER_PAGE, got=per_page))


def _page(total: int, contents: list[dict[str, Any]], page: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def _slice(store: Store, label: str, keep: Callable[[Any], bool] | None, page: int,
           per_page: int) -> tuple[int, list[Any]]:
    """``(total, the page's records)``: without a filter from the count and the first records only."""
    start = (page - 1) * per_page
    if keep is None:
        total = store.counts().get(label, 0)
        if start >= total:
            return total, []
        return total, store.list(label, limit=start + per_page)[start:]
    matched = [r for r in store.list(label) if keep(r)]
    return len(matched), matched[start:start + per_page]


# -- ids ---------------------------------------------------------------------------------------------


class _Reverse:
    """HSDS uuid5 id -> Dolbom id, for the stored records whose id is not a UUID (see the docstring)."""

    def __init__(self) -> None:
        self.by_hsds: dict[str, str] = {}
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def find(self, store: Store, label: str, key: str) -> str | None:
        found = self.by_hsds.get(key)
        if found is not None:
            return found
        with self.lock:
            for rec in store.list(label):
                if rec.key not in self.seen:
                    self.seen.add(rec.key)
                    h = hsds_id(label, rec.key)
                    if h != rec.key:
                        self.by_hsds[h] = rec.key
            return self.by_hsds.get(key)


_REVERSE: weakref.WeakKeyDictionary[Any, dict[str, _Reverse]] = weakref.WeakKeyDictionary()
_REVERSE_LOCK = threading.Lock()


def _reverse(store: Store, label: str) -> _Reverse:
    with _REVERSE_LOCK:
        try:
            per_store = _REVERSE.setdefault(store, {})
        except TypeError:  # a store that cannot be weakly referenced: no cache, still correct
            return _Reverse()
        return per_store.setdefault(label, _Reverse())


def _is_uuid(key: str) -> bool:
    try:
        uuid.UUID(key)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def _find(store: Store, label: str, key: str) -> Any:
    """The record an HSDS id or a Dolbom id names, or None."""
    rec = store.get(label, key)
    if rec is not None or not _is_uuid(key):
        return rec
    dolbom = _reverse(store, label).find(store, label, key)
    return store.get(label, dolbom) if dolbom is not None else None


# -- filters over records ----------------------------------------------------------------------------


def _service_terms(svc: Service) -> list[tuple[str, str, str, str, str | None]]:
    return [_IDENTITY, *service_terms(svc)]


def _words(text: str | None) -> list[str] | None:
    return norm(text).split() if text is not None else None


def _hay(name: str, description: str, terms: Iterable[tuple[str, str, str, str, str | None]]) -> str:
    """What ``search`` looks in: the name, the description, each term's code and name (ids aside)."""
    return norm(" ".join([name, description, *(f"{code} {tname}" for _l, tax, code, tname, _v in terms
                                               if tax != ID_TAXONOMY)]))


def _term_names() -> dict[str, tuple[str, str]]:
    """Every service term Dolbom can write: its HSDS id -> (taxonomy, code)."""
    from graph import taxonomy
    from graph.model import Domain, HouseholdTrait, SupportForm

    out = {term_id(t, c): (t, c) for t, codes in (
        ("dolbom-domain", [d.value for d in Domain]), ("dolbom-tag", list(taxonomy.active().tags)),
        ("dolbom-form", [f.value for f in SupportForm]), ("dolbom-trait", [t.value for t in HouseholdTrait]),
        ("dolbom-eligibility", ["max_income_percent"]), (ID_TAXONOMY, ["dolbom-id"])) for c in codes}
    return out


def _region_ids(store: Store, region_id: str) -> set[str]:
    """The region and every region above it: a service serving an ancestor serves it too."""
    out: set[str] = set()
    cur: str | None = region_id
    while cur is not None and cur not in out and len(out) < 16:
        region = store.get("Region", cur)
        if not isinstance(region, Region):
            if cur == region_id:
                raise ValidationError("region_id", Message.of(
                    "error.not_found", label=Message.of("label.Region"), id=region_id[:80]))
            break
        out.add(cur)
        cur = region.parent_id
    return out


def _service_filter(store: Store, search: str | None, taxonomy_term_id: str | None,
                    taxonomy_id_: str | None, organization_id: str | None,
                    region_id: str | None) -> Callable[[Any], bool] | None:
    checks: list[Callable[[Service], bool]] = []
    if region_id is not None:
        wanted = _region_ids(store, region_id)
        checks.append(lambda s: not wanted.isdisjoint(s.region_ids))
    if organization_id is not None:
        org = _find(store, "Organization", organization_id)
        provider = org.key if isinstance(org, Organization) else None
        checks.append(lambda s: s.provider_id == provider)
    if taxonomy_term_id is not None:
        term = _term_names().get(taxonomy_term_id)
        if term is not None:
            checks.append(lambda s: any((tax, code) == term for _l, tax, code, _n, _v in _service_terms(s)))
        else:  # a tag outside the active taxonomy, or no term of Dolbom's: hash each service's terms
            checks.append(lambda s: any(term_id(tax, code) == taxonomy_term_id
                                        for _l, tax, code, _n, _v in _service_terms(s)))
    if taxonomy_id_ is not None:
        name = next((t for t in TAXONOMIES if taxonomy_id(t) == taxonomy_id_), None)
        checks.append(lambda s: any(tax == name for _l, tax, _c, _n, _v in _service_terms(s)))
    words = _words(search)
    if words is not None:
        checks.append(lambda s: all(w in _hay(s.name, "", _service_terms(s)) for w in words))
    if not checks:
        return None
    return lambda rec: isinstance(rec, Service) and all(check(rec) for check in checks)


# -- the routes' use cases ---------------------------------------------------------------------------


class _Page:
    """Maps the records one answer names, each organization once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.builder = Builder(store, all_regions=False)
        self.orgs: dict[str, dict[str, Any] | None] = {}

    def organization(self, key: str) -> dict[str, Any] | None:
        if key not in self.orgs:
            rec = self.store.get("Organization", key)
            self.orgs[key] = self.builder.organization(rec) if isinstance(rec, Organization) else None
        return self.orgs[key]

    def service(self, svc: Service, *, with_org: bool = True) -> dict[str, Any]:
        obj = self.builder.service(svc)
        org = self.organization(svc.provider_id) if with_org else None
        return {**obj, "organization": org} if org is not None else obj


def services(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE, search: str | None = None,
             taxonomy_term_id: str | None = None, taxonomy_id: str | None = None,
             organization_id: str | None = None, region_id: str | None = None) -> dict[str, Any]:
    """``GET /services``: a page of services (with their organization), filtered by text, term,
    taxonomy, organization (its HSDS or Dolbom id) and the region served (Dolbom's region id:
    services serving it or a region above it)."""
    _check_page(page, per_page)
    keep = _service_filter(store, search, taxonomy_term_id, taxonomy_id, organization_id, region_id)
    total, recs = _slice(store, "Service", keep, page, per_page)
    mapper = _Page(store)
    return _page(total, [mapper.service(s) for s in recs if isinstance(s, Service)], page, per_page)


def service(store: Store, key: str) -> dict[str, Any] | None:
    """``GET /services/{id}``: one service fully nested (its organization included), found by its
    HSDS id or its Dolbom id; None when there is none."""
    rec = _find(store, "Service", key)
    return _Page(store).service(rec) if isinstance(rec, Service) else None


def organizations(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
                  search: str | None = None) -> dict[str, Any]:
    """``GET /organizations``: a page of organizations, filtered by text."""
    _check_page(page, per_page)
    mapper = _Page(store)
    words = _words(search)
    keep: Callable[[Any], bool] | None = None
    if words is not None:
        path = mapper.builder.path

        def keep(o: Any) -> bool:
            if not isinstance(o, Organization):
                return False
            hay = _hay(o.name, organization_description(o.name, o.sector), organization_terms(o, path))
            return all(w in hay for w in words)

    total, recs = _slice(store, "Organization", keep, page, per_page)
    return _page(total, [mapper.builder.organization(o) for o in recs if isinstance(o, Organization)],
                 page, per_page)


def organization(store: Store, key: str) -> dict[str, Any] | None:
    """``GET /organizations/{id}``: one organization with its services (without their organization)."""
    rec = _find(store, "Organization", key)
    if not isinstance(rec, Organization):
        return None
    mapper = _Page(store)
    org = mapper.builder.organization(rec)
    mine = [s for s in store.list("Service") if isinstance(s, Service) and s.provider_id == rec.key]
    return {**org, "services": [mapper.service(s, with_org=False) for s in mine]}


def _terms_in_use(store: Store) -> list[dict[str, Any]]:
    """The taxonomy terms the directory uses, as the export writes them (each once)."""
    builder = Builder(store, all_regions=False)
    seen: set[tuple[str, str]] = set()
    for org in store.list("Organization"):
        if isinstance(org, Organization):
            for _l, tax, code, name, _v in [_IDENTITY, *organization_terms(org, builder.path)]:
                if (tax, code) not in seen:
                    seen.add((tax, code))
                    builder.term(tax, code, name)
    for svc in store.list("Service"):
        if isinstance(svc, Service):
            for _l, tax, code, name, _v in _service_terms(svc):
                if (tax, code) not in seen:
                    seen.add((tax, code))
                    builder.term(tax, code, name)
    return builder.tables["taxonomy_term"]


def taxonomies(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> dict[str, Any]:
    """``GET /taxonomies``: Dolbom's taxonomies in use."""
    _check_page(page, per_page)
    used = {t["taxonomy"] for t in _terms_in_use(store)}
    builder = Builder(store, all_regions=False)
    items = sorted((builder.taxonomy(t) for t in TAXONOMIES if t in used), key=lambda t: t["name"])
    start = (page - 1) * per_page
    return _page(len(items), items[start:start + per_page], page, per_page)


def taxonomy_terms(store: Store, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE,
                   taxonomy_id: str | None = None, search: str | None = None) -> dict[str, Any]:
    """``GET /taxonomy_terms``: the terms in use (ids excepted), filtered by taxonomy and text."""
    _check_page(page, per_page)
    words = _words(search) or []
    terms = [t for t in _terms_in_use(store) if t["taxonomy"] != ID_TAXONOMY
             and (taxonomy_id is None or t["taxonomy_id"] == taxonomy_id)
             and all(w in norm(f"{t['code']} {t['name']}") for w in words)]
    items = sorted(terms, key=lambda t: (t["taxonomy"], t["code"]))
    start = (page - 1) * per_page
    return _page(len(items), items[start:start + per_page], page, per_page)
