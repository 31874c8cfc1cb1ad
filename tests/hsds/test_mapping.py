"""The mapping table: defaults, an override file, term lookup, regions by name."""

from __future__ import annotations

import json

from graph.model import Domain, Region, Sector
from loaders.hsds import import_hsds, load_mapping
from loaders.hsds_import import RegionIndex

from .conftest import OVERRIDE, SAMPLE, regions


def test_every_domain_has_a_default_term():
    m = load_mapping()
    mapped = {d for ds in m.domains.values() for d in ds}
    assert mapped == set(Domain)
    for d in Domain:  # the codes export-hsds writes come back as the same domain
        assert m.term(d.value, None).domains == (d,)


def test_term_code_first_then_name_case_and_spaces_ignored():
    m = load_mapping()
    assert m.term("HL-01", "보건").domains == (Domain.HEALTH,)
    assert m.term(None, "  Mental   HEALTH ").domains == (Domain.MENTAL_HEALTH,)
    assert m.term("FOOD", "법률").domains == (Domain.FOOD,)  # the code wins
    assert not m.term("PET-01", "반려동물").known
    assert m.term(None, "노인").trait.value == "ELDERLY"
    assert m.term("max_income_percent", None).income


def test_override_file_changes_the_import(store):
    r = import_hsds(store, SAMPLE, mapping=OVERRIDE)
    pets = store.get("Service", "00000002-0000-4000-8000-000000000005")
    assert [d.value for d in pets.domains] == ["CARE"]  # PET-01 -> CARE by the file
    assert r.imported == {"Organization": 5, "Service": 6}
    assert "unknown_term" not in r.by_kind()  # FREE-01 -> LEGAL, PET-01 -> CARE
    assert "service_no_domain" not in r.by_kind()
    assert r.ids("unknown_area") == ["00000004-0000-4000-8000-000000000006"]  # 판교동 now maps, 부산 does not
    assert store.get("Organization", "00000001-0000-4000-8000-000000000005").sector == Sector.ASSOCIATION
    # the default table is still there underneath
    assert store.get("Organization", "00000001-0000-4000-8000-000000000003").sector == Sector.RELIGIOUS


def test_override_merges_and_can_replace(tmp_path):
    m = load_mapping(OVERRIDE)
    assert m.term(None, "반려동물").domains == (Domain.CARE,)
    assert m.term(None, "주거").domains == (Domain.HOUSING,)  # default kept
    assert m.guess_sector({"name": "늘봄 나눔회"})[0] == Sector.ASSOCIATION  # file rules first
    assert m.sources[-1] == str(OVERRIDE)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"extends_default": False, "domains": {"x": "FOOD"}}))
    m = load_mapping(bare)
    assert m.term(None, "x").domains == (Domain.FOOD,)
    assert not m.term(None, "주거").known
    assert m.guess_sector({"name": "수원시청"}) == (Sector.NONPROFIT, "default_sector")


def test_sector_guess_says_why():
    m = load_mapping()
    assert m.guess_sector({"name": "경기중앙지방변호사회"}) == (
        Sector.ASSOCIATION, "name contains '변호사회'")
    assert m.guess_sector({"name": "Example Org", "legal_status": "Limited Company"})[0] == Sector.CORPORATE
    assert m.guess_sector({"name": "천주교 수원교구"})[0] == Sector.RELIGIOUS


def test_region_index_by_name_path_and_ambiguity():
    rs = regions() + [
        Region(id="gg-seongnam-jungang", name="중앙동", level="DONG", parent_id="gg-seongnam"),
        Region(id="gg-suwon-jungang", name="중앙동", level="DONG", parent_id="gg-suwon"),
    ]
    idx = RegionIndex(rs, load_mapping())
    assert idx.resolve("수원시") == ("gg-suwon", "")
    assert idx.resolve("gg-suwon-maetan") == ("gg-suwon-maetan", "")
    assert idx.resolve("경기도 수원시 매탄1동") == ("gg-suwon-maetan", "")
    assert idx.resolve("경기도 매탄1동") == ("gg-suwon-maetan", "")  # levels may be skipped
    assert idx.resolve("중앙동") == (None, "ambiguous")
    assert idx.resolve("성남시 중앙동") == ("gg-seongnam-jungang", "")
    assert idx.resolve("성남시 매탄1동") == (None, "unknown")  # wrong city
    assert idx.resolve("부산광역시") == (None, "unknown")
    assert idx.path_name("gg-suwon-jungang") == "경기도 수원시 중앙동"


def test_income_ceiling_from_the_eligibility_description(store, tmp_path):
    texts = {"기준 중위소득 75% 이하": 75, "60% of median income": 60, "median income below 80%": 80,
             "중위소득의 50% 이하": 50, "소득 수준에 따라": None, "누구나": None}
    org = {"id": "org-1", "name": "수원시청", "description": "시청"}
    doc = [{"id": f"s-{i}", "name": f"상담 {i}", "status": "active", "organization": org,
            "eligibility_description": text, "service_areas": [{"id": f"a-{i}", "name": "수원시"}],
            "attributes": [{"id": f"t-{i}", "taxonomy_term": {"id": "term-legal", "name": "법률",
                                                              "description": "법률"}}]}
           for i, text in enumerate(texts)]
    path = tmp_path / "services.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = import_hsds(store, path)
    got = {s.name: s.max_income_percent for s in store.list("Service")}
    assert got == {f"상담 {i}": want for i, want in enumerate(texts.values())}
    assert r.ids("income_rule") == ["s-4"]  # mentions 소득 without a percentage
