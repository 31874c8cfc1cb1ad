"""The overlaps report as rewritten for speed (issue 23 part 2: groups by eligibility profile, the
ancestors' services gathered once per chain, the open needs counted per distinct row, messages
written for the groups returned) equals, group for group and word for word, the computation as it
was (``tests/overlaps_before.py``), on a generated province with every kind of overlap, for every
region, in both languages, with and without a limit, from a view and from the store's parts, before
and after writes of every kind that changes a group.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from graph.embedded import EmbeddedStore
from graph.model import Household, Need, NeedStatus, Organization, Service
from loaders.synthetic import generate
from matching import overlaps
from tests.overlaps_before import overlaps_before

CITY = "gg-suwon"
DONG = "gg-suwon-d01"


def _extra() -> list:
    """What the generated world lacks: one (region, form, tag) split in two groups by eligibility
    (the elderly's and the children's rent vouchers), a group nested three profiles deep, a service
    serving a dong and its city at once, needs whose tags are given, a service whose domain is not
    its tag's."""
    orgs = [Organization(id=f"org-ovl-{k}", name=f"겹침 기관 {k}", sector="NONPROFIT") for k in range(6)]

    def rent(id: str, org: int, **kw) -> Service:
        return Service(id=id, name=kw.pop("name", f"월세 {id}"), provider_id=f"org-ovl-{org}",
                       domains=kw.pop("domains", ("HOUSING",)), region_ids=kw.pop("regions", (CITY,)),
                       form=kw.pop("form", "CASH"), tags=kw.pop("tags", ("rent-support",)), **kw)

    return [
        *orgs,
        rent("ovl-old-1", form="VOUCHER", org=0, required_traits=("ELDERLY",), capacity=5),
        rent("ovl-old-2", form="VOUCHER", org=1, required_traits=("ELDERLY",), max_income_percent=80,
             capacity=3),
        rent("ovl-kid-1", form="VOUCHER", org=2, required_traits=("CHILDREN",), capacity=4),
        rent("ovl-kid-2", form="VOUCHER", org=3, required_traits=("CHILDREN", "SINGLE_PARENT"),
             max_income_percent=60),
        rent("ovl-nest-1", 4, max_income_percent=120, capacity=2, regions=(DONG, CITY)),
        rent("ovl-nest-2", 5, max_income_percent=90, regions=(DONG,)),
        rent("ovl-food", 5, domains=("FOOD", "HOUSING"), regions=(DONG,), capacity=1),
        Household(id="hh-ovl-1", region_id=DONG, size=2, income_percent=40, urgency="GENERAL",
                  traits=("ELDERLY",)),
        Need(id="need-ovl-1", household_id="hh-ovl-1", domain="HOUSING", severity=3, tags=("rent-support",)),
        Need(id="need-ovl-2", household_id="hh-ovl-1", domain="HOUSING", severity=2),
        Need(id="need-ovl-3", household_id="hh-ovl-1", domain="FOOD", severity=2, tags=("free-meals",)),
    ]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("overlaps-rewrite") / "p.db")
    with store.unit_of_work() as uow:
        uow.put_many(list(generate(400, 11, provinces=2, receipts=(0, 2))))
        uow.put_many(_extra())
    yield store
    store.close()


def _regions(store: EmbeddedStore) -> list[str | None]:
    """The whole graph, every province and city, every eighth dong and the dong of the extras."""
    regions = store._records["Region"]
    parents = {r.parent_id for r in regions.values()}
    dongs = sorted(r for r in regions if r not in parents)
    return [None, *sorted(r for r in regions if r in parents), *sorted({*dongs[::8], DONG})]


def _check(store: EmbeddedStore) -> list:
    """Every region's groups, new against before, from a view and from the parts; the whole report."""
    whole = store.graph()
    for rid in _regions(store):
        view = whole if rid is None else store.graph(rid)
        parts = store.report_parts(rid)
        for locale in ("ko", "en"):
            expected = overlaps_before(view, rid, locale=locale)
            assert overlaps(view, rid, locale=locale) == expected, (rid, locale)
            assert overlaps(parts.view, rid, locale=locale, needs=parts.needs) == expected, (rid, locale)
            assert overlaps(view, rid, locale=locale, limit=3) == expected[:3], (rid, locale)
    return overlaps(whole, None)


def test_the_province_has_every_kind_of_overlap(province):
    """The comparisons are worth something only if the world has groups of every kind."""
    groups = overlaps_before(province.graph())
    levels = Counter(g.region_id.count("-") for g in groups)
    assert levels[0] and levels[1] and levels[2]  # at a province, a city, a dong
    assert any(g.capacity is None for g in groups) and any(g.capacity is not None for g in groups)
    assert any(g.demand > 0 for g in groups) and any(g.demand == 0 for g in groups)
    assert any(g.redundancy != int(g.redundancy) for g in groups)  # rounded
    assert any(n > 1 for n in Counter((g.region_id, g.form, g.tag) for g in groups).values())  # split
    services = province._records["Service"]
    profiles = [{(services[s].max_income_percent, frozenset(services[s].required_traits))
                 for s in g.service_ids} for g in groups]
    assert any(len(p) >= 3 for p in profiles)  # nested eligibility
    assert any(len(services[s].region_ids) > 1 for g in groups for s in g.service_ids)
    assert any(set(services[s].domains) - {g.domain} for g in groups for s in g.service_ids)
    # and cases a coordinator would call no overlap: not one of them reported
    assert not any({"ovl-old-1", "ovl-kid-1"} <= set(g.service_ids) for g in groups)  # other people
    inactive = {s for s, rec in services.items() if not rec.active}
    assert inactive and not any(inactive & set(g.service_ids) for g in groups)


def test_the_rewrite_equals_the_computation_before(province):
    _check(province)


def test_still_equal_after_writes(province):
    store = province
    before = _check(store)
    services = store._records["Service"]
    stopped = services[before[0].service_ids[0]]
    widened = services[next(s for g in before if g.capacity is not None and g.region_id.count("-") == 1
                            for s in g.service_ids if s != stopped.id)]
    unlimited = services[next(s for g in before if g.capacity is not None
                              for s in g.service_ids if s not in (stopped.id, widened.id))]
    open_need = next(n for n in store._records["Need"].values() if n.status == NeedStatus.OPEN)
    with store.unit_of_work() as uow:
        uow.put(dataclasses.replace(stopped, active=False))  # leaves its group
        uow.put(dataclasses.replace(unlimited, capacity=None))
        uow.put(dataclasses.replace(widened, max_income_percent=None, required_traits=()))  # joins more
        uow.put(dataclasses.replace(open_need, status=NeedStatus.CLOSED))  # less demand
        uow.put(dataclasses.replace(services["ovl-kid-2"], provider_id="org-ovl-2"))  # one organization
        uow.put(Service(id="ovl-new", name="새 월세 지원", provider_id="org-ovl-3", domains=("HOUSING",),
                        region_ids=(DONG,), form="CASH", tags=("rent-support",), capacity=1))
        uow.put(Need(id="need-ovl-4", household_id="hh-ovl-1", domain="HOUSING", severity=1,
                     detail="월세 체납"))
    after = _check(store)
    assert after != before  # the writes changed the report: the check above compared fresh groups
    assert not any(stopped.id in g.service_ids for g in after)
    assert any("ovl-new" in g.service_ids for g in after)
