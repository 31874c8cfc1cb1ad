"""Round trips, idempotent upserts, units of work and referential rules."""

import pytest

from graph.errors import ConflictError, NotFoundError, ValidationError
from graph.model import (
    RECORD_TYPES,
    Household,
    Need,
    Receipt,
    Referral,
    Region,
    Service,
    receipt_key,
)


def by_label(records):
    out = {}
    for r in records:
        out.setdefault(r.LABEL, []).append(r)
    return out


def test_every_record_round_trips(loaded, sample):
    for rec in sample:
        assert loaded.get(rec.LABEL, rec.key) == rec
    for label, recs in by_label(sample).items():
        assert loaded.list(label) == sorted(recs, key=lambda r: r.key)


def test_counts_per_label(loaded, sample):
    expected = {label: 0 for label in RECORD_TYPES}
    for rec in sample:
        expected[rec.LABEL] += 1
    assert loaded.counts() == expected


def test_list_pages_by_key(loaded):
    keys = [r.key for r in loaded.list("Service")]
    assert keys == sorted(keys) and len(keys) == 8
    page1 = loaded.list("Service", limit=3)
    page2 = loaded.list("Service", after=page1[-1].key, limit=3)
    rest = loaded.list("Service", after=page2[-1].key)
    assert [r.key for r in page1 + page2 + rest] == keys


def test_upsert_is_idempotent(loaded, sample):
    before = loaded.counts()
    with loaded.unit_of_work() as uow:
        uow.put_many(sample)
        assert uow.staged == {}  # identical records stage nothing
    assert loaded.counts() == before
    for rec in sample:
        assert loaded.get(rec.LABEL, rec.key) == rec


def test_upsert_replaces_and_moves_relationships(loaded):
    svc = loaded.get("Service", "svc-suwon-jobs")
    loaded.put(svc.replace(region_ids=("gg-seongnam",), name="취업 지원"))
    assert loaded.get("Service", "svc-suwon-jobs").name == "취업 지원"
    g = loaded.graph()
    assert g.has_edge("Service:svc-suwon-jobs", "Region:gg-seongnam", key="SERVES")
    assert not g.has_edge("Service:svc-suwon-jobs", "Region:gg-suwon", key="SERVES")
    assert "Service:svc-suwon-jobs" not in loaded.neighbourhood("hh-0001")


def test_insert_conflicts_only_on_different_content(loaded):
    hh = loaded.get("Household", "hh-0001")
    with loaded.unit_of_work() as uow:
        uow.insert(hh)  # same content: fine
    with pytest.raises(ConflictError) as info, loaded.unit_of_work() as uow:
        uow.insert(hh.replace(size=9))
    assert info.value.field == "id"
    assert loaded.get("Household", "hh-0001").size == 4


def test_unit_of_work_rolls_back_when_its_last_step_fails(loaded):
    before = loaded.counts()
    with pytest.raises(NotFoundError) as info, loaded.unit_of_work() as uow:
        uow.put(Household(id="hh-new", region_id="gg-suwon-jowon", size=2, income_percent=40))
        uow.put(Need(id="need-new", household_id="hh-new", domain="FOOD", severity=3))
        uow.put(Need(id="need-bad", household_id="hh-missing", domain="FOOD", severity=3))
    assert info.value.field == "householdId"
    assert info.value.record == ("Need", "need-bad")
    assert loaded.counts() == before
    assert loaded.get("Household", "hh-new") is None
    assert loaded.get("Need", "need-new") is None


def test_exception_in_the_block_rolls_back(loaded):
    before = loaded.counts()
    with pytest.raises(RuntimeError), loaded.unit_of_work() as uow:
        uow.put(Household(id="hh-new", region_id="gg-suwon-jowon", size=2, income_percent=40))
        uow.delete("Referral", "ref-0001")
        raise RuntimeError("caller changed its mind")
    assert loaded.counts() == before
    assert loaded.get("Referral", "ref-0001") is not None


def test_records_may_come_in_any_order_within_a_unit(store):
    # services that exclude each other, and children before parents
    with store.unit_of_work() as uow:
        uow.put(Region(id="d", name="동", level="DONG", parent_id="c"))
        uow.put(Region(id="c", name="시", level="CITY", parent_id="p"))
        uow.put(Region(id="p", name="도", level="PROVINCE"))
        uow.put(Service(id="a", name="A", provider_id="o", domains=["FOOD"], region_ids=["c"],
                        excludes_ids=["b"]))
        uow.put(Service(id="b", name="B", provider_id="o", domains=["FOOD"], region_ids=["c"],
                        excludes_ids=["a"]))
        from graph.model import Organization

        uow.put(Organization(id="o", name="O", sector="NONPROFIT"))
    g = store.graph()
    assert g.has_edge("Service:a", "Service:b", key="EXCLUDES")
    assert g.has_edge("Service:b", "Service:a", key="EXCLUDES")
    assert g.has_edge("Region:d", "Region:c", key="PART_OF")


@pytest.mark.parametrize(
    "record, field, error",
    [
        (Service(id="s", name="x", provider_id="org-nope", domains=["FOOD"], region_ids=["gg"]),
         "providerId", NotFoundError),
        (Service(id="s", name="x", provider_id="org-diocese", domains=["FOOD"], region_ids=["gg", "nowhere"]),
         "regionIds", NotFoundError),
        (Service(id="s", name="x", provider_id="org-diocese", domains=["FOOD"], region_ids=["gg"],
                 excludes_ids=["svc-nope"]),
         "excludesIds", NotFoundError),
        (Service(id="s", name="x", provider_id="org-diocese", domains=["LEGAL"], region_ids=["gg"],
                 agreement_id="mou-bar"),
         "agreementId", ValidationError),
        (Household(id="h", region_id="nowhere", size=1, income_percent=10), "regionId", NotFoundError),
        (Need(id="n", household_id="hh-nope", domain="FOOD", severity=2), "householdId", NotFoundError),
        (Need(id="need-0001-rent", household_id="hh-0002", domain="HOUSING", severity=5),
         "householdId", ValidationError),
        (Referral(id="f", household_id="hh-0001", resource_label="Service", resource_id="svc-gg-legal",
                  need_ids=["need-0002-food"]),
         "needIds", ValidationError),
        (Referral(id="f", household_id="hh-0001", resource_label="Volunteer", resource_id="svc-gg-legal",
                  need_ids=["need-0001-job"]),
         "resourceId", NotFoundError),
        (Receipt(household_id="hh-0001", service_id="svc-nope"), "serviceId", NotFoundError),
        (Region(id="x", name="x", level="DONG", parent_id="gg"), "parentId", ValidationError),
        (Region(id="x", name="x", level="CITY"), "parentId", ValidationError),
        (Region(id="x", name="x", level="PROVINCE", parent_id="gg"), "parentId", ValidationError),
        (Region(id="gg", name="경기도", level="CITY", parent_id="gg-suwon"), "parentId", ValidationError),
        (Region(id="gg-suwon", name="수원시", level="DONG", parent_id="gg-seongnam"),
         "level", ValidationError),
    ],
)
def test_referential_and_structural_rules(loaded, record, field, error):
    before = loaded.counts()
    with pytest.raises(error) as info:
        loaded.put(record)
    assert type(info.value) is error
    assert info.value.field == field
    assert loaded.counts() == before
    assert loaded.get(record.LABEL, record.key) != record


def test_a_cycle_in_regions_is_named(loaded):
    # gg (PROVINCE) under its own city would be a cycle
    with pytest.raises(ValidationError) as info:
        loaded.put(Region(id="gg", name="경기도", level="CITY", parent_id="gg-suwon"))
    assert "own ancestor" in info.value.message


def test_delete_refuses_what_is_still_referenced(loaded):
    for label, key in [("Region", "gg-suwon"), ("Organization", "org-gg-bar"),
                       ("Service", "svc-gg-legal"), ("Agreement", "mou-bar"),
                       ("Need", "need-0001-legal"), ("Service", "svc-diocese-food")]:
        with pytest.raises(ConflictError) as info:
            loaded.delete(label, key)
        assert info.value.field == "id" and "still referenced" in info.value.message
        assert loaded.get(label, key) is not None


def test_delete_unknown_is_not_found(loaded):
    with pytest.raises(NotFoundError):
        loaded.delete("Service", "svc-nope")


def test_deleting_a_household_takes_its_own_records_with_it(loaded):
    loaded.delete("Household", "hh-0001")
    assert loaded.get("Household", "hh-0001") is None
    for nid in ["need-0001-rent", "need-0001-job", "need-0001-legal", "need-0001-health"]:
        assert loaded.get("Need", nid) is None
    assert loaded.get("Referral", "ref-0001") is None
    assert loaded.get("Receipt", receipt_key("hh-0001", "svc-diocese-food")) is None
    assert loaded.receipts("hh-0001") == []
    # and what was shared stays
    assert loaded.get("Service", "svc-gg-legal") is not None
    # now the legal service can go
    loaded.delete("Service", "svc-gg-legal")
    assert loaded.get("Service", "svc-gg-legal") is None


def test_delete_and_recreate_in_one_unit(loaded):
    with loaded.unit_of_work() as uow:
        uow.delete("Receipt", receipt_key("hh-0001", "svc-diocese-food"))
        uow.put(Receipt(household_id="hh-0001", service_id="svc-suwon-jobs"))
    assert [r.service_id for r in loaded.receipts("hh-0001")] == ["svc-suwon-jobs"]


def test_receipts(loaded):
    assert loaded.receipts("hh-0001") == [Receipt(household_id="hh-0001", service_id="svc-diocese-food")]
    assert loaded.receipts("hh-0003") == []


def test_clear_empties_the_store(loaded):
    loaded.clear()
    assert set(loaded.counts().values()) == {0}
    assert loaded.graph().number_of_nodes() == 0
    from loaders.sample import sample_records

    loaded.put(*sample_records())  # and it is usable again
    assert loaded.counts()["Household"] == 3
