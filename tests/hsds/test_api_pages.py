"""The /hsds/ API maps only what it answers with, and answers exactly what the whole export says.

The oracle is the export itself (:func:`loaders.hsds_export.build_hsds`): every page, filter and
lookup must equal the same slice of the export filtered as the spec describes it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from graph.model import Organization, Region, Service
from loaders import hsds_export
from loaders.hsds_export import build_hsds, hsds_id
from loaders.hsds_mapping import norm
from loaders.synthetic import generate
from service import hsds


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from graph.embedded import EmbeddedStore

    s = EmbeddedStore(str(tmp_path_factory.mktemp("pages") / "p.db"))
    s.put(*generate(400, seed=11))
    # one service whose Dolbom id is a UUID (kept as its HSDS id)
    first = s.list("Service", limit=1)[0]
    assert isinstance(first, Service)
    s.put(first.replace(id="0b5a3a8e-0d1f-4c53-9f0b-6d3f3f0a0a01"))
    yield s
    s.close()


def _export(store) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    orgs, svcs, tables, _lost = build_hsds(store)
    by_org = {o["id"]: o for o in orgs}
    return orgs, [{**s, "organization": by_org[s["organization_id"]]} for s in svcs], tables


def _dolbom_id(obj: dict[str, Any]) -> str:
    return next(a["value"] for a in obj["attributes"]
                if a["taxonomy_term"]["taxonomy"] == "dolbom-identifier")


def _hay(obj: dict[str, Any]) -> str:
    terms = [f"{a['taxonomy_term']['code']} {a['taxonomy_term']['name']}" for a in obj["attributes"]
             if a["taxonomy_term"]["taxonomy"] != "dolbom-identifier"]
    return norm(" ".join([obj.get("name", ""), obj.get("description", ""), *terms]))


def _oracle(store, search=None, term=None, taxonomy=None, org=None, region=None) -> list[dict[str, Any]]:
    _orgs, svcs, _tables = _export(store)
    regions = {r.id: r for r in store.list("Region") if isinstance(r, Region)}
    up: set[str] = set()
    cur = region
    while cur is not None:
        up.add(cur)
        cur = regions[cur].parent_id
    out = []
    for s in svcs:
        rec = store.get("Service", _dolbom_id(s))
        if search and not all(w in _hay(s) for w in norm(search).split()):
            continue
        if term and term not in {a["taxonomy_term_id"] for a in s["attributes"]}:
            continue
        if taxonomy and taxonomy not in {a["taxonomy_term"]["taxonomy_id"] for a in s["attributes"]}:
            continue
        if org and s["organization_id"] != org:
            continue
        if region and not up & set(rec.region_ids):
            continue
        out.append(s)
    return out


def _all_pages(store, per_page: int, **filters) -> list[dict[str, Any]]:
    out, page = [], 1
    while True:
        body = hsds.services(store, page=page, per_page=per_page, **filters)
        out += body["contents"]
        if body["last_page"]:
            assert body["total_items"] == len(out)
            return out
        page += 1


def test_unfiltered_pages_are_the_export_in_slices(world):
    want = _oracle(world)
    assert len(want) > 60
    assert _all_pages(world, 17) == want
    beyond = hsds.services(world, page=999, per_page=50)
    assert (beyond["empty"], beyond["total_items"], beyond["size"]) == (True, len(want), 0)


def test_filters_give_what_the_export_filtered_gives(world):
    _orgs, svcs, tables = _export(world)
    some = svcs[len(svcs) // 2]
    tag = next(a for a in some["attributes"] if a["taxonomy_term"]["taxonomy"] == "dolbom-domain")
    city = next(r for r in world.list("Region") if isinstance(r, Region) and r.level.value == "CITY")
    dong = next(r for r in world.list("Region") if isinstance(r, Region) and r.parent_id == city.id)
    cases = [
        {"search": some["name"].split()[0]}, {"search": "주거"}, {"search": "없는말 주거"},
        {"term": tag["taxonomy_term_id"]}, {"taxonomy": tag["taxonomy_term"]["taxonomy_id"]},
        {"taxonomy": next(t["id"] for t in tables["taxonomy"] if t["name"] == "dolbom-eligibility")},
        {"org": some["organization_id"]}, {"region": dong.id}, {"region": city.id},
        {"search": "주거", "region": city.id}, {"term": str(uuid.uuid4())},
    ]
    names = {"term": "taxonomy_term_id", "taxonomy": "taxonomy_id", "org": "organization_id",
             "region": "region_id", "search": "search"}
    hits = 0
    for case in cases:
        want = _oracle(world, **case)
        got = _all_pages(world, 7, **{names[k]: v for k, v in case.items()})
        assert got == want, case
        hits += bool(want)
    assert hits >= 8  # the filters were tried on something, not only on empty answers


def test_one_service_by_either_id_and_the_index_never_stale(world):
    _orgs, svcs, _tables = _export(world)
    for s in (svcs[0], svcs[-1], next(x for x in svcs if x["id"].startswith("0b5a3a8e"))):
        assert hsds.service(world, s["id"]) == s
        assert hsds.service(world, _dolbom_id(s)) == s
    assert hsds.service(world, str(uuid.uuid4())) is None
    # a service stored after the index was built is found by its HSDS id; a deleted one is gone
    base = world.get("Service", _dolbom_id(svcs[1]))
    world.put(base.replace(id="svc-late-arrival", name="늦게 등록된 서비스"))
    late = hsds_id("Service", "svc-late-arrival")
    assert hsds.service(world, late)["name"] == "늦게 등록된 서비스"
    world.delete("Service", "svc-late-arrival")
    assert hsds.service(world, late) is None


def test_organizations_pages_search_and_one(world):
    orgs, svcs, _tables = _export(world)
    pages = [hsds.organizations(world, page=p, per_page=40)["contents"] for p in range(1, 100)]
    assert [o for page in pages for o in page] == orgs
    word = "교회"
    want = [o for o in orgs if word in _hay(o)]
    assert want and hsds.organizations(world, search=word, per_page=500)["contents"] == want
    one = orgs[3]
    got = hsds.organization(world, one["id"])
    strip = [{k: v for k, v in s.items() if k != "organization"} for s in svcs
             if s["organization_id"] == one["id"]]
    assert got == {**one, "services": strip} and hsds.organization(world, _dolbom_id(one)) == got


def test_taxonomies_and_terms_are_those_the_export_uses(world):
    _orgs, _svcs, tables = _export(world)
    assert hsds.taxonomies(world)["contents"] == sorted(tables["taxonomy"], key=lambda t: t["name"])
    want = sorted((t for t in tables["taxonomy_term"] if t["taxonomy"] != "dolbom-identifier"),
                  key=lambda t: (t["taxonomy"], t["code"]))
    got = [t for p in range(1, 50) for t in hsds.taxonomy_terms(world, page=p, per_page=100)["contents"]]
    assert got == want


def test_a_page_maps_only_its_own_records(world, monkeypatch):
    """Cost: a page of 5 builds 5 services and their organizations, one service builds one."""
    built: list[str] = []
    real_service, real_org = hsds_export._Builder.service, hsds_export._Builder.organization

    def service(self, svc):
        built.append(svc.id)
        return real_service(self, svc)

    def organization(self, org):
        built.append(org.id)
        return real_org(self, org)

    monkeypatch.setattr(hsds_export._Builder, "service", service)
    monkeypatch.setattr(hsds_export._Builder, "organization", organization)
    hsds.services(world, page=3, per_page=5)
    assert 5 < len(built) <= 10
    built.clear()
    hsds.services(world, page=2, per_page=5, search="주거")
    assert 5 < len(built) <= 10
    built.clear()
    key = next(s.id for s in world.list("Service") if isinstance(s, Service))
    hsds.service(world, hsds_id("Service", key))
    assert len(built) == 2
    built.clear()
    hsds.organizations(world, page=2, per_page=4)
    assert len(built) == 4 and all(isinstance(world.get("Organization", k), Organization) for k in built)
