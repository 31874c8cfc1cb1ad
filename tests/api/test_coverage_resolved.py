"""``coverage``'s cells come with their regions (and those regions' parents) read in one batch
(schema/coverage_answer.py), not a DataLoader future per cell: the answer must be the one the
DataLoaders gave, for every region, both languages, a coordinator and a case worker; it reads no
household's data; and a write after a kept answer shows in the next one."""

from __future__ import annotations

import pytest

from service import analysis, audit
from tests.api.conftest import PRINCIPALS, ask_report

FIELDS = "domain openNeeds uncoveredNeeds services freeCapacity unmetNeeds missingNeeds shortOfPlaces"
Q = ("query($regionId: ID) { coverage(regionId: $regionId) { " + FIELDS +
     " region { id name level parent { id name level parent { id name } } } } }")

#: the coordinator page's query (api/static/app/coverage.js)
PAGE = ("query($regionId: ID) { coverage(regionId: $regionId) { " + FIELDS +
        " region { id name level parent { id name } } } }")


def ask(client, query: str, who: str, region_id: str | None, lang: str) -> list:
    return ask_report(client, "coverage", query, who, region_id, lang)


def _region(store, rid: str | None, depth: int) -> dict | None:
    """A region as the DataLoaders resolved it: ``store.get`` of it, then of its parent."""
    if rid is None:
        return None
    reg = store.get("Region", rid)
    out = {"id": reg.id, "name": reg.name}
    if depth:
        out["level"] = reg.level.value
        out["parent"] = _region(store, reg.parent_id, depth - 1)
    return out


def expected(store, who: str, region_id: str | None) -> list[dict]:
    out = []
    for c in analysis.coverage_cells(store, PRINCIPALS[who], region_id):
        out.append({
            "domain": c.domain.value, "openNeeds": c.open_needs, "uncoveredNeeds": c.uncovered_needs,
            "services": c.services, "freeCapacity": c.free_capacity, "unmetNeeds": c.unmet_needs,
            "missingNeeds": c.missing_needs, "shortOfPlaces": c.short_of_places,
            "region": _region(store, c.region_id, 2),
        })
    return out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_regions_cells_are_the_dataloaders_answer(client, store, lang):
    regions = [None] + sorted(r.id for r in store.list("Region"))
    parents = 0
    for region_id in regions:
        got = ask(client, Q, "coordinator", region_id, lang)
        assert got == expected(store, "coordinator", region_id), region_id
        assert got  # every region has cells
        parents += sum(c["region"]["parent"] is not None for c in got)
    assert parents > 0  # the sample's regions have parents to compare


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_case_workers_cells_are_the_coordinators_in_their_region(client, store, lang):
    suwon = ["gg-suwon"] + sorted(r.id for r in store.list("Region") if r.parent_id == "gg-suwon")
    for region_id in suwon:
        got = ask(client, PAGE, "caseworker", region_id, lang)
        assert got and got == ask(client, PAGE, "coordinator", region_id, lang), region_id
    # with no region, a case worker's own: the same cells as asking for it
    assert ask(client, PAGE, "caseworker", None, lang) == ask(client, PAGE, "caseworker", "gg-suwon", lang)
    # elsewhere FORBIDDEN, also once the coordinator's answer for that region is kept
    r = client.post("/graphql", json={"query": PAGE, "variables": {"regionId": "gg-seongnam"}},
                    headers={"Authorization": "Bearer caseworker"})
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN" and r.json()["data"] is None
    assert ask(client, PAGE, "coordinator", "gg-seongnam", lang)
    r = client.post("/graphql", json={"query": PAGE, "variables": {"regionId": "gg-seongnam"}},
                    headers={"Authorization": "Bearer caseworker"})
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN" and r.json()["data"] is None


def test_the_cells_read_no_households_data(client, store):
    before = len(store.list_side(audit.KIND))
    assert ask(client, PAGE, "coordinator", None, "ko")
    assert ask(client, PAGE, "caseworker", None, "ko")
    new = [d for _, d in store.list_side(audit.KIND)][before:]
    assert [e for e in new if e["action"] == "read"] == []


def test_a_write_after_a_kept_answer_shows_in_the_next(client, gql, store):
    """The wrapped cells are kept with the cells; a commit makes new cells, so new wrappers."""
    def food_services(cells):
        return {c["region"]["id"]: c["services"] for c in cells if c["domain"] == "FOOD"}

    first = ask(client, PAGE, "coordinator", "gg-suwon", "ko")
    assert ask(client, PAGE, "coordinator", "gg-suwon", "ko") == first  # kept: the same again
    gql('mutation { registerService(input: {id: "svc-cov-food-new", name: "반찬 나눔", '
        'providerId: "org-suwon-city", domains: [FOOD], regionIds: ["gg-suwon"], form: IN_KIND, '
        'tags: ["meal-delivery"]}) { id } }', "coordinator").ok()
    after = ask(client, PAGE, "coordinator", "gg-suwon", "ko")
    assert food_services(after)["gg-suwon"] == food_services(first)["gg-suwon"] + 1
    assert ask(client, Q, "coordinator", "gg-suwon", "ko") == expected(store, "coordinator", "gg-suwon")
