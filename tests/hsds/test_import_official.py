"""Import of the official HSDS 3.0 examples, in each form they come in."""

from __future__ import annotations

import json

import pytest

from loaders.hsds import import_hsds, read_hsds

from .conftest import EXAMPLES, snapshot

SERVICE = "ac148810-d857-441c-9679-408f346de14b"
ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
FULL_FORMS = ["service_full.json", "organization_full.json", "service_at_location_full.json",
              "tabular.json", "csv", "csv/datapackage.json"]


@pytest.mark.parametrize("form", FULL_FORMS)
def test_every_form_reads_the_same_objects(form):
    data = read_hsds(EXAMPLES / form)
    counts = data.read_counts()
    assert counts["organization"] == 1 and counts["service"] == 1 and counts["location"] == 1
    assert counts["service_area"] == 1 and counts["cost_option"] == 1 and counts["attribute"] == 1
    assert SERVICE in data["service"] and ORG in data["organization"]
    assert data["service"][SERVICE].get("minimum_age") == 12
    assert data["cost_option"]["1fdf4d39-3d80-484d-9f92-a8ffa08621e7"].get("amount") == 35
    # phones, schedules, contacts... are counted, not silently lost
    assert {"phone", "schedule", "contact", "language", "funding"} <= set(data.ignored_counts())


@pytest.mark.parametrize("form", ["service_list.json", "organization_list.json"])
def test_paged_lists(form):
    data = read_hsds(EXAMPLES / form)
    assert ORG in data["organization"]


@pytest.mark.parametrize("form", FULL_FORMS)
def test_official_example_report(store, form):
    """The example's term ("code"/"name") means nothing to Dolbom: the service is
    left out and said so; the organization comes in; the rest is reported."""
    r = import_hsds(store, EXAMPLES / form)
    assert r.imported == {"Organization": 1}
    assert store.get("Organization", ORG).name == "Example Organization Inc."
    assert store.get("Service", SERVICE) is None
    kinds = r.by_kind()
    assert kinds["service_no_domain"] == 1 and r.ids("service_no_domain") == [SERVICE]
    assert kinds["age_rule"] == 1 and kinds["cost_currency"] == 1  # 12-100 years; 35 gbp
    if form.startswith("csv") or form == "tabular.json":
        # the tabular example's links point at ids that are not in it
        assert r.ids("dangling_reference") == ["3a19ff88-4620-4d17-9830-ac1d859eb5d5",
                                               "ae58cc39-8b70-4ab1-8aea-786882e5ac8e"]
    else:
        assert r.ids("unknown_term") == ["3f7b145d-84af-42d7-8fae-eaca714b02b2"]
        assert r.ids("unknown_location") == ["3a19ff88-4620-4d17-9830-ac1d859eb5d5"]


def test_official_example_with_a_mapping_and_a_parent(store, tmp_path):
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"domains": {"code": ["MENTAL_HEALTH"]}, "currencies": ["GBP"]}))
    r = import_hsds(store, EXAMPLES / "service_full.json", mapping=mapping, region_parent="gg")
    svc = store.get("Service", SERVICE)
    assert [d.value for d in svc.domains] == ["MENTAL_HEALTH"]
    assert svc.provider_id == ORG and svc.cost == 35
    assert svc.region_ids == tuple(r.regions_created) and len(r.regions_created) == 1
    region = store.get("Region", r.regions_created[0])
    assert region.parent_id == "gg" and "MyCity" in region.name
    assert "service_no_domain" not in r.by_kind() and "unknown_term" not in r.by_kind()
    before = snapshot(store)
    again = import_hsds(store, EXAMPLES / "service_full.json", mapping=mapping, region_parent="gg")
    assert again.changed == {} and snapshot(store) == before
