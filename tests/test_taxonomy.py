"""The type-tag taxonomy (graph/taxonomy.py), the model's form and tag fields, and the care policy file."""

from __future__ import annotations

import json

import pytest

from graph import taxonomy
from graph.errors import ValidationError
from graph.model import Need, Service, SupportForm, Volunteer
from graph.taxonomy import load, read_table
from graph.view import node_attrs, record_from_attrs
from matching.policy import CARE_POLICY_FILE, DEFAULT_POLICY, policy_from_mapping


def test_the_shipped_table_has_labels_in_both_languages_and_the_issues_tags():
    tax = load()
    for tag in ("rent-support", "livelihood-cash", "emergency-medical-cost", "korean-class", "job-training",
                "legal-aid", "caregiver-relief", "free-meals"):
        assert tag in tax and tax.label(tag, "ko") != tax.label(tag, "en")
    assert all(t.ko and t.en and t.domains for t in tax)
    assert tax.label("no-such-tag", "ko") == "no-such-tag"


@pytest.mark.parametrize("domain, text, tags", [
    ("EDUCATION", "한국어 교육 필요", ("korean-class",)),
    ("CARE", "간병 부담", ("caregiver-relief",)),
    ("HOUSING", "월세 3개월 체납", ("rent-support",)),
    ("HOUSING", "월세·임대료 밀림", ("rent-support",)),
    ("CARE", "아동 돌봄공백", ("childcare",)),  # "돌봄 공백" with the space gone
    ("LEGAL", "월세 보증금 반환 소송", ("legal-aid",)),  # only the need's own domain is searched
    ("HOUSING", "Behind on rent", ("rent-support",)),
    ("EDUCATION", "a parent needs help", ()),  # "rent" inside "parent" is no keyword
    ("LEGAL", "needs an interpreter", ("interpretation",)),
    ("FOOD", None, ()),
])
def test_need_tags_are_derived_from_the_detail_by_domain(domain, text, tags):
    assert load().derive(domain, text) == tags


def test_given_tags_win_over_derived_ones():
    tax = load()
    assert tax.need_tags("EDUCATION", ["mentoring"], "한국어 교육 필요") == ("mentoring",)
    assert tax.need_tags("EDUCATION", [], "한국어 교육 필요") == ("korean-class",)


def test_an_extension_file_adds_and_replaces_tags(tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("tag,domains,ko,en,keywords_ko,keywords_en\n"
                     "energy-voucher,HOUSING|INCOME,에너지바우처,energy voucher,에너지바우처|전기요금,\n"
                     "rent-support,HOUSING,월세 지원,rent help,월세,\n", encoding="utf-8")
    tax = load(extra)
    assert "energy-voucher" in tax and tax.label("rent-support", "en") == "rent help"
    assert tax.derive("INCOME", "전기요금 체납") == ("energy-voucher",)
    assert len(tax) == len(load()) + 1
    with taxonomy.use(tax):
        assert "energy-voucher" in taxonomy.active()
    assert "energy-voucher" not in taxonomy.active()


@pytest.mark.parametrize("row, where", [
    ("Rent Support,HOUSING,a,b,,", "line 2, column tag"),
    ("x-y,HOUSE,a,b,,", "line 2, column domains"),
    ("x-y,,a,b,,", "line 2, column domains"),
    ("x-y,HOUSING,,b,,", "line 2, column ko"),
])
def test_a_bad_extension_row_names_the_file_line_and_column(tmp_path, row, where):
    extra = tmp_path / "bad.csv"
    extra.write_text("tag,domains,ko,en,keywords_ko,keywords_en\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_table(extra)
    assert str(extra) in e.value.message and where in e.value.message


def test_check_names_the_field_and_the_unknown_tags():
    with pytest.raises(ValidationError) as e:
        load().check("tags", ["rent-support", "free-lunch", "zzz"])
    assert e.value.field == "tags" and "free-lunch, zzz" in e.value.message
    load().check("tags", ["rent-support"])


def test_the_model_checks_tag_spelling_and_form_and_normalises():
    s = Service(id="s", name="x", provider_id="o", domains=["FOOD"], region_ids=["r"], form="IN_KIND",
                tags=["free-meals", "food-parcel", "free-meals"])
    assert s.form == SupportForm.IN_KIND and s.tags == ("food-parcel", "free-meals")
    assert Volunteer(id="v", name="v", skills=["CARE"], region_ids=["r"]).form == SupportForm.SERVICE
    for bad in (["Free Meals"], ["free--meals"], "free-meals", ["x" * 41], [f"t{i}" for i in range(21)]):
        with pytest.raises(ValidationError) as e:
            Need(id="n", household_id="h", domain="FOOD", severity=1, tags=bad)
        assert e.value.field == "tags"
    with pytest.raises(ValidationError) as e:
        Service(id="s", name="x", provider_id="o", domains=["FOOD"], region_ids=["r"], form="MONEY")
    assert e.value.field == "form" and "CASH" in e.value.message
    # the view carries the fields, and a record comes back from its attributes unchanged
    assert node_attrs(s)["tags"] == ("food-parcel", "free-meals")
    assert record_from_attrs(node_attrs(s)) == s and Service.from_dict(s.to_dict()) == s
    assert s.to_dict()["form"] == "IN_KIND" and s.to_dict()["tags"] == ["food-parcel", "free-meals"]


def test_the_shipped_care_policy_is_the_default_and_marks_no_statutory_trait():
    data = json.loads(CARE_POLICY_FILE.read_text(encoding="utf-8"))
    assert policy_from_mapping(data) == DEFAULT_POLICY
    assert DEFAULT_POLICY.discretionary_traits == frozenset()
    traits = data["near_miss"]["traits"]
    assert len(traits) == 7 and all(t["basis"] and not t["discretionary"] for t in traits.values())


def test_a_care_policy_file_can_mark_a_trait_and_is_checked():
    near = {"income_points": 5, "traits": {"UNEMPLOYED": {"discretionary": True}},
            "income_approver": {"ko": "통합사례회의", "en": "the joint conference"}}
    p = policy_from_mapping({"near_miss": near, "weights": {"tag_miss": 20}})
    assert p.near_miss_points == 5 and p.tag_miss == 20
    assert {t.value for t in p.discretionary_traits} == {"UNEMPLOYED"}
    assert p.approver("income", "ko") == "통합사례회의"
    tall = {"near_miss": {"traits": {"TALL": {"discretionary": True}}}}
    for bad, field in (({"weights": {"speed": 1}}, "weights.speed"),
                       (tall, "near_miss.traits.TALL"),
                       ({"near_miss": {"traits": {"ELDERLY": {}}}}, "near_miss.traits.ELDERLY"),
                       ({"near_miss": {"income_approver": "x"}}, "near_miss.income_approver"),
                       ({"weights": {"tag_miss": -1}}, "policy")):
        with pytest.raises(ValidationError) as e:
            policy_from_mapping(bad)
        assert e.value.field == field
