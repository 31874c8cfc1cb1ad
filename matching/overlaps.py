"""Overlaps: services of different organizations that give the same benefit to
the same people in the same place, ranked by how redundant they are.

For a region ``R``, the services *available in* ``R`` are the active services
that serve ``R`` or an ancestor of ``R`` (everyone living in ``R`` can reach
them). Two of them **duplicate each other** when

* they give the same benefit: the same support form and a shared type tag
  (:mod:`graph.taxonomy`; two CASH benefits of one domain count only when they
  also share a tag here: a coordinator groups programs, not households);
* they serve the same people: one's eligibility contains the other's (its
  income ceiling is at least the other's, no ceiling counting as the highest,
  and its required traits are a subset of the other's), so everyone eligible
  for the stricter service is eligible for the other.

An :class:`OverlapGroup` is a connected group of that relation, for one form
and tag, among the services available in ``R``, with services of at least two
organizations. A group is reported at the highest region where it appears: at
``R`` when one of its services serves ``R`` itself, or when ``R`` is the root
of the report (else the same services are available one level up and the
group is reported there).

**Redundancy** is the group's combined capacity against local demand: the
places of its services (an unlimited service counts as enough for the whole
demand) over the open needs of households living in ``R`` or below that the
group could serve (needs of its domain tagged with its tag, or untagged), at
least one. 3.0 means three times what the region's open needs could use.
Groups are ranked most redundant first (then more services, region, form,
tag), and :func:`overlaps` returns the top ``limit`` of them (all when None).

Complexity: per region, the services available there of the (form, tag) pairs
its own services give, grouped by eligibility profile (each pair of profiles
compared once); one pass over the open needs for the demand; a message for
each group returned.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter

import networkx as nx

from graph import taxonomy as taxonomy_module
from graph.model import Domain, NeedStatus, SupportForm, node_key
from graph.reports import NeedRow
from graph.taxonomy import Taxonomy

from .messages import CATALOGUE, Message, Text, check_locale, render, word
from .neighbourhood import Resource
from .regions import RegionTree


@dataclass(frozen=True, slots=True)
class OverlapGroup:
    region_id: str
    domain: Domain
    #: sorted
    service_ids: tuple[str, ...]
    message: str
    form: SupportForm = SupportForm.SERVICE
    tag: str = ""
    #: combined places of the services; None when one of them is unlimited
    capacity: int | None = None
    #: open needs in the region (and below) the group could serve
    demand: int = 0
    #: combined capacity against local demand (see the module docstring)
    redundancy: float = 0.0
    organizations: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"regionId": self.region_id, "domain": self.domain.value, "serviceIds": list(self.service_ids),
                "message": self.message, "form": self.form.value, "tag": self.tag, "capacity": self.capacity,
                "demand": self.demand, "redundancy": self.redundancy, "organizations": self.organizations}


def contains(a: Resource, b: Resource) -> bool:
    """Everyone eligible for ``b`` (income and traits) is eligible for ``a``."""
    return _contains((a.max_income_percent, frozenset(a.required_traits)),
                     (b.max_income_percent, frozenset(b.required_traits)))


def same_people(a: Resource, b: Resource) -> bool:
    return contains(a, b) or contains(b, a)


#: who a service serves: its income ceiling (None: none) and its required traits
_Profile = tuple["int | None", frozenset[str]]


def _contains(a: _Profile, b: _Profile) -> bool:
    """:func:`contains` over eligibility profiles."""
    ceiling_ok = a[0] is None or (b[0] is not None and b[0] <= a[0])
    return ceiling_ok and a[1] <= b[1]


#: a group's (form, tag): what its services give
_Kind = tuple[SupportForm, str]


class _Offer:
    """What the report reads of an active tagged service (the fields of :class:`Resource` it
    uses, read from the view's node as :func:`matching.neighbourhood.resource_at` reads them),
    with its eligibility profile's number (:class:`_Profiles`)."""

    __slots__ = ("key", "id", "name", "provider_key", "provider_name", "domains", "capacity", "profile")

    def __init__(self, key: str, id: str, name: str, provider_key: str, provider_name: str,
                 domains: frozenset[Domain], capacity: int | None, profile: int) -> None:
        self.key = key
        self.id = id
        self.name = name
        self.provider_key = provider_key
        self.provider_name = provider_name
        self.domains = domains
        self.capacity = capacity
        self.profile = profile


class _Profiles:
    """The "same people" relation between eligibility profiles: services of one profile serve the
    same people, so a group is a connected group of the profiles present; each pair of profiles
    is compared once."""

    def __init__(self) -> None:
        self.index: dict[_Profile, int] = {}
        self.profiles: list[_Profile] = []
        self.related: dict[tuple[int, int], bool] = {}

    def of(self, profile: _Profile) -> int:
        i = self.index.get(profile)
        if i is None:
            i = self.index[profile] = len(self.profiles)
            self.profiles.append(profile)
        return i

    def same(self, i: int, j: int) -> bool:
        got = self.related.get((i, j))
        if got is None:
            a, b = self.profiles[i], self.profiles[j]
            got = self.related[i, j] = self.related[j, i] = _contains(a, b) or _contains(b, a)
        return got


def _groups(offering: list[_Offer], profiles: _Profiles) -> list[list[_Offer]]:
    """Connected groups of the "same people" relation among ``offering`` (sorted by key), each
    group sorted by key."""
    present = list(dict.fromkeys(r.profile for r in offering))
    if len(present) == 1:
        return [offering]
    parent = {p: p for p in present}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, i in enumerate(present):
        for j in present[n + 1:]:
            if profiles.same(i, j):
                parent[find(i)] = find(j)
    out: dict[int, list[_Offer]] = {}
    for r in offering:  # in key order: each group comes sorted
        out.setdefault(find(r.profile), []).append(r)
    return list(out.values())


class _Demand:
    """Open needs by (region, domain, tag) of the households living in a region or below it; an
    untagged need counts under the tag None. Counted per region of the households first (a
    province's 250,000 needs are a few thousand distinct rows), then added up the tree."""

    def __init__(self, needs: Iterable[NeedRow], tree: RegionTree, tax: Taxonomy) -> None:
        try:
            counted = Counter(needs)
        except TypeError:  # tags given as lists
            counted = Counter((rid, d, tuple(given), detail) for rid, d, given, detail in needs)
        below: dict[str, dict[tuple[Domain, str | None], int]] = {}
        tags_of: dict[tuple[object, Sequence[str], str | None], tuple[tuple[Domain, str | None], ...]] = {}
        for (region_id, domain, given, detail), n in counted.items():
            keys = tags_of.get((domain, given, detail))
            if keys is None:
                d = Domain(domain)
                keys = tags_of[domain, given, detail] = tuple(
                    (d, t) for t in tax.need_tags(d, given, detail) or (None,))
            here = below.get(region_id)
            if here is None:
                here = below[region_id] = {}
            for key in keys:
                here[key] = here.get(key, 0) + n
        # each region's counts into its parent's, the deepest first: a region then holds its subtree's
        parent = tree.parent
        depth = {rid: len(tree.chain(rid)) for rid in parent}
        for rid in sorted(parent, key=depth.__getitem__, reverse=True):
            mine = below.get(rid)
            up = parent[rid]
            if mine is None or up is None or up not in parent:
                continue
            theirs = below.get(up)
            if theirs is None:
                theirs = below[up] = {}
            for key, n in mine.items():
                theirs[key] = theirs.get(key, 0) + n
        self.below = below

    def __call__(self, rid: str, d: Domain, t: str | None) -> int:
        here = self.below.get(rid)
        return 0 if here is None else here.get((d, t), 0)


def _need_rows(g: nx.MultiDiGraph) -> Iterator[NeedRow]:
    """The open needs of the view's households as rows (region, domain, tags, detail)."""
    nodes = g._node  # the raw dicts: this pass reads every need of the view
    succ = g._succ
    for h, a in nodes.items():
        if a.get("label") != "Household":
            continue
        region_id = a["region_id"]
        for v, keys in succ[h].items():
            if "HAS_NEED" not in keys:
                continue
            n = nodes[v]
            if n["status"] != NeedStatus.OPEN:
                continue
            yield region_id, n["domain"], tuple(n.get("tags", ())), n.get("detail")


def _serving(g: nx.MultiDiGraph, profiles: _Profiles) -> dict[str, dict[_Kind, list[_Offer]]]:
    """The active tagged services of the view by the regions they serve, then by (form, tag).
    Services repeat a few providers, domain sets, profiles and tag sets: each is read once."""
    nodes = g._node
    out: dict[str, dict[_Kind, list[_Offer]]] = {}
    providers: dict[str, tuple[str, str]] = {}
    domain_sets: dict[tuple[Domain, ...], frozenset[Domain]] = {}
    profile_of: dict[tuple[int | None, tuple[str, ...]], int] = {}
    kinds_of: dict[tuple[object, tuple[str, ...]], list[_Kind]] = {}
    for key, a in nodes.items():
        if a.get("label") != "Service" or not a["active"] or not a.get("tags"):
            continue
        provider_id = a["provider_id"]
        provider = providers.get(provider_id)
        if provider is None:
            provider_key = node_key("Organization", provider_id)
            provider = providers[provider_id] = (
                provider_key, nodes.get(provider_key, {}).get("name", provider_id))
        domains_raw = tuple(a["domains"])
        domains = domain_sets.get(domains_raw)
        if domains is None:
            domains = domain_sets[domains_raw] = frozenset(domains_raw)
        profile_raw = (a["max_income_percent"], tuple(a["required_traits"]))
        profile = profile_of.get(profile_raw)
        if profile is None:
            profile = profile_of[profile_raw] = profiles.of((profile_raw[0], frozenset(profile_raw[1])))
        r = _Offer(key, a["id"], a["name"], provider[0], provider[1], domains, a["capacity"], profile)
        kinds_raw = (a.get("form", SupportForm.SERVICE), tuple(a["tags"]))
        kinds = kinds_of.get(kinds_raw)
        if kinds is None:
            form = SupportForm(kinds_raw[0])
            kinds = kinds_of[kinds_raw] = [(form, t) for t in frozenset(kinds_raw[1])]
        regions = a["region_ids"]
        for rid in (regions if len(regions) == 1 else frozenset(regions)):
            here = out.get(rid)
            if here is None:
                here = out[rid] = {}
            for kind in kinds:
                got = here.get(kind)
                if got is None:
                    here[kind] = [r]
                else:
                    got.append(r)
    return out


#: the services of one (form, tag) serving a chain of ancestors: by key, in key order, their providers
_Inherited = tuple[dict[str, _Offer], list[_Offer], set[str]]
_by_key = attrgetter("key")


def _inherit(serving: dict[str, dict[_Kind, list[_Offer]]], ups: Sequence[str]) -> dict[_Kind, _Inherited]:
    """What the regions ``ups`` (a region's ancestors) offer, per (form, tag)."""
    gathered: dict[_Kind, dict[str, _Offer]] = {}
    for up in ups:
        for kind, rs in serving.get(up, {}).items():
            have = gathered.setdefault(kind, {})
            for r in rs:
                have.setdefault(r.key, r)
    return {kind: (have, sorted(have.values(), key=_by_key), {r.provider_key for r in have.values()})
            for kind, have in gathered.items()}


def overlaps(g: nx.MultiDiGraph, region_id: str | None = None, *, locale: str = "en",
             limit: int | None = None, taxonomy: Taxonomy | None = None,
             needs: Sequence[NeedRow] | None = None) -> list[OverlapGroup]:
    """The overlap groups of ``region_id``'s subtree (every region when None), most
    redundant first; the top ``limit`` of them (all when None). Raises
    :class:`graph.errors.NotFoundError` (``regionId``) for an unknown region.

    ``needs``: the open needs of the report's households (:attr:`graph.reports.ReportParts.needs`);
    ``g`` then needs to hold only the supply side. None: they are read from ``g``.

    How: per region, only the (form, tag) pairs of the services serving it directly are looked at
    (a group without one of them is reported higher up), except at the top; the services inherited
    from the ancestors are gathered once per chain; a group is a connected group of eligibility
    profiles (:class:`_Profiles`); the messages are written for the groups returned only."""
    check_locale(locale)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a whole number of at least 1 or None (got {limit!r})")
    tax = taxonomy if taxonomy is not None else taxonomy_module.active()
    tree = RegionTree.of(g)
    scope = tree.scope(region_id)
    profiles = _Profiles()
    serving = _serving(g, profiles)
    measure = _Measure(_Demand(_need_rows(g) if needs is None else needs, tree, tax), tax)
    # per chain of ancestors: (form, tag) -> the services serving one of them (by key, in key
    # order) and their providers
    inherited: dict[tuple[str, ...], dict[_Kind, _Inherited]] = {}
    found: list[_Found] = []
    for rid in scope:
        direct = serving.get(rid, {})
        top = rid == region_id or tree.parent[rid] not in tree.parent
        if not direct and not top:  # a group here has a service of its own (else it is reported higher)
            continue
        ups = tree.chain(rid)[1:]
        above = inherited.get(ups)
        if above is None:
            above = inherited[ups] = _inherit(serving, ups)
        for kind in (set(direct) | set(above) if top else direct):
            mine = direct.get(kind, ())
            got = above.get(kind)
            if got is None:
                offering = sorted(mine, key=_by_key)
                providers = {r.provider_key for r in mine}
            else:
                by_key, in_order, providers = got
                extra = [r for r in mine if r.key not in by_key]
                if extra:
                    offering = sorted(in_order + extra, key=_by_key)
                    providers = providers | {r.provider_key for r in extra}
                else:
                    offering = in_order
            if len(providers) < 2:
                continue
            for grp in _groups(offering, profiles):
                orgs = len({r.provider_key for r in grp})
                if orgs < 2 or not (top or any(r in mine for r in grp)):
                    continue
                found.append(measure(rid, kind[0], kind[1], grp, orgs))
    found.sort(key=lambda x: x[0])
    if limit is not None:
        found = found[:limit]
    write = _Writer(locale, tax, tree)
    return [write(f) for f in found]


#: a group found, before its message: (rank, region, form, tag, services, organizations, domain,
#: open needs, capacity, redundancy, service ids)
_Found = tuple[tuple[float, int, str, str, str, str], str, SupportForm, str, list[_Offer], int, Domain, int,
               "int | None", float, tuple[str, ...]]

_DOMAINS = tuple(Domain)


class _Measure:
    """A group's domain, demand, capacity and redundancy (see the module docstring), and its rank;
    what depends only on the group's domains and tag is worked out once."""

    def __init__(self, demand: _Demand, tax: Taxonomy) -> None:
        self.demand = demand
        self.tax = tax
        #: (the group's domains, those all its services share, tag) -> (its domain, its demand's domains)
        self.domains: dict[tuple[frozenset[Domain], frozenset[Domain], str],
                           tuple[Domain, tuple[Domain, ...]]] = {}

    def _domains(self, every: frozenset[Domain], common: frozenset[Domain], tag: str
                 ) -> tuple[Domain, tuple[Domain, ...]]:
        t = self.tax.tags.get(tag)
        shared = [d for d in _DOMAINS if d in common]
        hinted = [d for d in shared if t is None or d in t.domains] or shared or [
            d for d in _DOMAINS if d in every]
        return hinted[0], tuple(d for d in every if t is None or d in t.domains)

    def __call__(self, rid: str, form: SupportForm, tag: str, grp: list[_Offer], orgs: int) -> _Found:
        first = grp[0].domains
        if all(r.domains is first for r in grp):  # one domain set (the usual case)
            every = common = first
        else:
            every = first.union(*(r.domains for r in grp))
            common = first.intersection(*(r.domains for r in grp))
        key = (every, common, tag)
        got = self.domains.get(key)
        if got is None:
            got = self.domains[key] = self._domains(every, common, tag)
        domain, wanted = got
        demand = self.demand
        need = 0
        for d in wanted:
            need += demand(rid, d, tag) + demand(rid, d, None)
        base = max(need, 1)
        places = 0
        unlimited = False
        for r in grp:
            if r.capacity is None:
                unlimited = True
                places += base
            else:
                places += r.capacity
        capacity = None if unlimited else places
        redundancy = round(places / base, 2)
        ids = tuple(sorted([r.id for r in grp]))
        rank = (-redundancy, -len(grp), rid, form.value, tag, ",".join(ids))
        return rank, rid, form, tag, grp, orgs, domain, need, capacity, redundancy, ids


class _Writer:
    """The groups' messages (``overlap.group``) in one locale, each word written once: the text
    :meth:`Message.render` gives, with ``str.format`` in place of the particle-aware formatter
    when the template attaches no particle (it formats plain fields alike)."""

    KEY = "overlap.group"

    def __init__(self, locale: str, tax: Taxonomy, tree: RegionTree) -> None:
        self.locale = locale
        self.tax = tax
        self.tree = tree
        template = CATALOGUE[self.KEY][locale]
        plain = all(spec == "" and conv is None
                    for _, f, spec, conv in string.Formatter().parse(template) if f is not None)
        self.template = template if plain else None
        self.tags: dict[str, str] = {}
        self.forms: dict[SupportForm, str] = {}
        self.unlimited = word(_UNLIMITED, locale)
        self.numbers: dict[int, str] = {}

    def number(self, n: int) -> str:
        got = self.numbers.get(n)
        if got is None:
            got = self.numbers[n] = word(n, self.locale)
        return got

    def tag(self, tag: str) -> str:
        got = self.tags.get(tag)
        if got is None:
            label = Text(self.tax.label(tag, "ko"), self.tax.label(tag, "en"))
            got = self.tags[tag] = word(label, self.locale)
        return got

    def form(self, form: SupportForm) -> str:
        got = self.forms.get(form)
        if got is None:
            got = self.forms[form] = word(form, self.locale)
        return got

    def __call__(self, f: _Found) -> OverlapGroup:
        _, rid, form, tag, grp, orgs, domain, need, capacity, redundancy, ids = f
        loc = self.locale
        params = {
            "tag": self.tag(tag),
            "form": self.form(form),
            "region": self.tree.names[rid],
            "count": self.number(len(grp)),
            "orgs": self.number(orgs),
            # word() of a tuple of strings: joined with commas
            "names": ", ".join([f"{r.name} ({r.provider_name})" for r in grp]),
            "demand": self.number(need),
            "capacity": self.unlimited if capacity is None else self.number(capacity),
        }
        text = self.template.format_map(params) if self.template is not None else \
            render(self.KEY, loc, **params)
        return OverlapGroup(rid, domain, ids, text[:1].upper() + text[1:], form=form, tag=tag,
                            capacity=capacity, demand=need, redundancy=redundancy, organizations=orgs)


_UNLIMITED = Message.of("overlap.unlimited")
