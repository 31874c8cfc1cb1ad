"""The overlaps computation as it was before issue 23 part 2's rewrite (commit 1f97f84), verbatim but
for its name and imports: the reference tests/test_overlaps_rewrite.py compares the new one against."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from graph import taxonomy as taxonomy_module
from graph.model import Domain, NeedStatus, SupportForm
from graph.reports import NeedRow
from graph.taxonomy import Taxonomy
from matching.coverage import resources_by_region
from matching.messages import Message, Text, check_locale
from matching.neighbourhood import Resource
from matching.overlaps import OverlapGroup
from matching.regions import RegionTree


def contains(a: Resource, b: Resource) -> bool:
    """Everyone eligible for ``b`` (income and traits) is eligible for ``a``."""
    ceiling_ok = a.max_income_percent is None or (
        b.max_income_percent is not None and b.max_income_percent <= a.max_income_percent)
    return ceiling_ok and set(a.required_traits) <= set(b.required_traits)


def same_people(a: Resource, b: Resource) -> bool:
    return contains(a, b) or contains(b, a)


def _groups(services: list[Resource]) -> list[list[Resource]]:
    """Connected groups of the "same people" relation (union-find), by first key."""
    parent = list(range(len(services)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(services)):
        for j in range(i + 1, len(services)):
            if same_people(services[i], services[j]):
                parent[find(i)] = find(j)
    out: dict[int, list[Resource]] = {}
    for i, s in enumerate(services):
        out.setdefault(find(i), []).append(s)
    return sorted(out.values(), key=lambda grp: grp[0].key)


def _demand_of(needs: Sequence[NeedRow], tree: RegionTree, scope: set[str], tax: Taxonomy
               ) -> dict[tuple[str, Domain, str | None], int]:
    """:func:`_demand` over open needs given as rows (region of the household, domain, tags, detail)."""
    out: dict[tuple[str, Domain, str | None], int] = {}
    chains: dict[str, list[str]] = {}
    for region_id, domain, given, detail in needs:
        up = chains.get(region_id)
        if up is None:
            up = chains[region_id] = [r for r in tree.chain(region_id) if r in scope]
        if not up:
            continue
        d = Domain(domain)
        tags = tax.need_tags(d, given, detail) or (None,)
        for rid in up:
            for t in tags:
                out[rid, d, t] = out.get((rid, d, t), 0) + 1
    return out


def _demand(g: nx.MultiDiGraph, tree: RegionTree, scope: set[str], tax: Taxonomy
            ) -> dict[tuple[str, Domain, str | None], int]:
    """Open needs by (region, domain, tag) for every region of ``scope`` they live in or under;
    an untagged need counts under the tag None."""
    out: dict[tuple[str, Domain, str | None], int] = {}
    nodes = g._node  # the raw dicts: this pass reads every need of the view
    succ = g._succ
    for h, a in nodes.items():
        if a.get("label") != "Household":
            continue
        up = [r for r in tree.chain(a["region_id"]) if r in scope]
        if not up:
            continue
        for v, keys in succ[h].items():
            if "HAS_NEED" not in keys:
                continue
            n = nodes[v]
            if n["status"] != NeedStatus.OPEN:
                continue
            d = Domain(n["domain"])
            tags = tax.need_tags(d, n.get("tags", ()), n.get("detail")) or (None,)
            for rid in up:
                for t in tags:
                    out[rid, d, t] = out.get((rid, d, t), 0) + 1
    return out


def overlaps_before(g: nx.MultiDiGraph, region_id: str | None = None, *, locale: str = "en",
             limit: int | None = None, taxonomy: Taxonomy | None = None,
             needs: Sequence[NeedRow] | None = None) -> list[OverlapGroup]:
    """The overlap groups of ``region_id``'s subtree (every region when None), most
    redundant first; the top ``limit`` of them (all when None). Raises
    :class:`graph.errors.NotFoundError` (``regionId``) for an unknown region.

    ``needs``: the open needs of the report's households (:attr:`graph.reports.ReportParts.needs`);
    ``g`` then needs to hold only the supply side. None: they are read from ``g``."""
    check_locale(locale)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a whole number of at least 1 or None (got {limit!r})")
    tax = taxonomy if taxonomy is not None else taxonomy_module.active()
    tree = RegionTree.of(g)
    scope = tree.scope(region_id)
    serving: dict[str, list[Resource]] = {
        rid: sorted((r for r in rs if r.is_service and r.active and r.tags), key=lambda r: r.key)
        for rid, rs in resources_by_region(g).items()
    }
    demand = _demand(g, tree, set(scope), tax) if needs is None else _demand_of(needs, tree, set(scope), tax)
    found: list[tuple[tuple[float, int, str, str, str, str], OverlapGroup]] = []
    for rid in scope:
        direct = {r.key for r in serving.get(rid, ())}
        top = rid == region_id or tree.parent[rid] not in tree.parent
        available: dict[str, Resource] = {}
        for up in tree.chain(rid):
            for r in serving.get(up, ()):
                available.setdefault(r.key, r)
        kinds: dict[tuple[SupportForm, str], list[Resource]] = {}
        for r in available.values():
            for t in r.tags:
                kinds.setdefault((r.form, t), []).append(r)
        for (form, tag), offering in sorted(kinds.items()):
            if len({r.provider_key for r in offering}) < 2:
                continue
            offering.sort(key=lambda r: r.key)
            for grp in _groups(offering):
                orgs = {r.provider_key for r in grp}
                if len(orgs) < 2 or not (top or any(r.key in direct for r in grp)):
                    continue
                found.append(_group(rid, form, tag, grp, len(orgs), demand, tree, tax, locale))
    found.sort(key=lambda x: x[0])
    groups = [grp for _, grp in found]
    return groups if limit is None else groups[:limit]


def _group(rid: str, form: SupportForm, tag: str, grp: list[Resource], orgs: int,
           demand: dict[tuple[str, Domain, str | None], int], tree: RegionTree, tax: Taxonomy,
           locale: str) -> tuple[tuple[float, int, str, str, str, str], OverlapGroup]:
    t = tax.tags.get(tag)
    shared = [d for d in Domain if all(d in r.domains for r in grp)]
    hinted = [d for d in shared if t is None or d in t.domains] or shared or sorted(
        {d for r in grp for d in r.domains}, key=list(Domain).index)
    domain = hinted[0]
    need = sum(demand.get((rid, d, x), 0) for d in {d for r in grp for d in r.domains}
               if t is None or d in t.domains for x in (tag, None))
    base = max(need, 1)
    places = sum(r.capacity if r.capacity is not None else base for r in grp)
    capacity = None if any(r.capacity is None for r in grp) else places
    redundancy = round(places / base, 2)
    label = Text(tax.label(tag, "ko"), tax.label(tag, "en"))
    places_text = Message.of("overlap.unlimited") if capacity is None else capacity
    text = Message.of("overlap.group", tag=label, form=form, region=tree.names[rid], count=len(grp),
                      orgs=orgs, names=tuple(f"{r.name} ({r.provider_name})" for r in grp), demand=need,
                      capacity=places_text).render(locale)
    ids = tuple(sorted(r.id for r in grp))
    group = OverlapGroup(rid, domain, ids, text[:1].upper() + text[1:], form=form, tag=tag, capacity=capacity,
                         demand=need, redundancy=redundancy, organizations=orgs)
    return (-redundancy, -len(grp), rid, form.value, tag, ",".join(ids)), group
