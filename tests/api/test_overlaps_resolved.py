"""``overlaps``' groups come with their region and services read in one batch (schema/overlaps.py),
not a DataLoader future per service: the answer must be the one the DataLoaders gave, for every
region, both languages, a coordinator and a case worker; and it reads no household's data."""

from __future__ import annotations

import pytest

from service import analysis, audit, reads
from tests.api.conftest import PRINCIPALS, ask_report

Q = """query($regionId: ID) { overlaps(regionId: $regionId) {
  region { id name level parent { id } } domain form tag capacity demand redundancy message
  services { id name domains capacity form tags active provider { id } regions { id } } } }"""

#: the pages' query (api/static/app/overlaps.js)
PAGES = ("query($regionId: ID) { overlaps(regionId: $regionId) { region { id name } domain form tag capacity "
         "demand redundancy message services { id name } } }")


@pytest.fixture
def planted(gql):
    """Two duplicates of the sample's services (test_queries plants the first): groups to compare."""
    for sid, name, domain, form, tag, region in (
            ("svc-dup-food", "무료 급식", "FOOD", "IN_KIND", "meal-delivery", "gg-suwon"),
            ("svc-dup-food-2", "Meals on wheels", "FOOD", "IN_KIND", "meal-delivery", "gg-suwon-maetan")):
        gql(f'mutation {{ registerService(input: {{id: "{sid}", name: "{name}", '
            f'providerId: "org-suwon-city", domains: [{domain}], regionIds: ["{region}"], form: {form}, '
            f'tags: ["{tag}"]}}) {{ id }} }}',
            "coordinator").ok()


def ask(client, query: str, who: str, region_id: str | None, lang: str) -> list:
    return ask_report(client, "overlaps", query, who, region_id, lang)


def expected(store, who: str, region_id: str | None, lang: str) -> list[dict]:
    """The answer as the DataLoaders resolved it: each group's region by ``store.get``, its services
    one ``store.get`` each, the ones that exist, in the group's order."""
    out = []
    for g in analysis.overlap_groups(store, PRINCIPALS[who], region_id, locale=lang):
        reg = store.get("Region", g.region_id)
        svcs = [s for s in (store.get("Service", i) for i in g.service_ids) if s is not None]
        out.append({
            "region": {"id": reg.id, "name": reg.name, "level": reg.level.value,
                       "parent": None if reg.parent_id is None else {"id": reg.parent_id}},
            "domain": g.domain.value, "form": g.form.value, "tag": g.tag, "capacity": g.capacity,
            "demand": g.demand, "redundancy": g.redundancy, "message": g.message,
            "services": [{"id": s.id, "name": s.name, "domains": [d.value for d in s.domains],
                          "capacity": s.capacity, "form": s.form.value, "tags": list(s.tags),
                          "active": s.active, "provider": {"id": s.provider_id},
                          "regions": [{"id": r} for r in s.region_ids]} for s in svcs],
        })
    return out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_regions_groups_are_the_dataloaders_answer(client, store, lang, planted):
    regions = [None] + sorted(r.id for r in store.list("Region"))
    seen = 0
    for region_id in regions:
        got = ask(client, Q, "coordinator", region_id, lang)
        assert got == expected(store, "coordinator", region_id, lang), region_id
        seen += sum(len(g["services"]) for g in got)
    assert seen > 0  # the sample has overlaps to compare


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_case_workers_groups_are_the_coordinators_in_their_region(client, store, lang, planted):
    suwon = ["gg-suwon"] + sorted(r.id for r in store.list("Region") if r.parent_id == "gg-suwon")
    for region_id in suwon:
        got = ask(client, PAGES, "caseworker", region_id, lang)
        assert got == ask(client, PAGES, "coordinator", region_id, lang), region_id
    # with no region, a case worker's own: the same groups as asking for it
    assert ask(client, PAGES, "caseworker", None, lang) == ask(client, PAGES, "caseworker", "gg-suwon", lang)
    assert ask(client, PAGES, "caseworker", "gg-suwon", lang)
    r = client.post("/graphql", json={"query": PAGES, "variables": {"regionId": "gg-seongnam"}},
                    headers={"Authorization": "Bearer caseworker"})
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN" and r.json()["data"] is None


def test_the_groups_read_no_households_data(client, store, planted):
    before = len(store.list_side(audit.KIND))
    assert ask(client, PAGES, "coordinator", None, "ko")
    assert ask(client, PAGES, "caseworker", None, "ko")
    new = [d for _, d in store.list_side(audit.KIND)][before:]
    assert [e for e in new if e["action"] == "read"] == []


@pytest.mark.parametrize("list_above", [0, 10_000])
def test_one_batch_read_gives_the_records_get_gives(store, monkeypatch, list_above):
    """Above LIST_ABOVE keys the kind is listed in one call, below it read by id: the same records
    either way (both stores), and an id with no record left out."""
    monkeypatch.setattr(reads, "LIST_ABOVE", list_above)
    for label in ("Service", "Region"):
        ids = sorted(r.key for r in store.list(label))
        got = reads.records_by_id(store, label, [*ids, "no-such-id", ids[0]])
        assert list(got) and set(got) == set(ids)
        assert all(got[i] == store.get(label, i) for i in ids)


def test_a_write_after_a_kept_answer_shows_in_the_next(client, gql, store, planted):
    """The wrapped groups are kept with the groups; a commit makes new groups, so new wrappers."""
    first = ask(client, PAGES, "coordinator", "gg-suwon", "ko")
    assert ask(client, PAGES, "coordinator", "gg-suwon", "ko") == first  # kept: the same again
    assert "svc-dup-food-3" not in {s["id"] for g in first for s in g["services"]}
    gql('mutation { registerService(input: {id: "svc-dup-food-3", name: "반찬 나눔", '
        'providerId: "org-suwon-city", domains: [FOOD], regionIds: ["gg-suwon"], form: IN_KIND, '
        'tags: ["meal-delivery"]}) { id } }', "coordinator").ok()
    after = ask(client, PAGES, "coordinator", "gg-suwon", "ko")
    assert "svc-dup-food-3" in {s["id"] for g in after for s in g["services"]}
    assert ask(client, Q, "coordinator", "gg-suwon", "ko") == expected(store, "coordinator", "gg-suwon", "ko")
