"""The one message catalogue: both languages, the same parameters, particles written once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.errors import NotFoundError, ValidationError
from graph.model import ReferralStatus
from i18n import CATALOGUE, Message, catalogue_problems, msg, render
from i18n.catalogue import template_fields

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_exists_in_both_languages_with_the_same_parameters() -> None:
    assert len(CATALOGUE) > 100
    assert catalogue_problems() == []


def test_the_checks_catch_a_missing_language_other_parameters_and_a_both_forms_particle() -> None:
    problems = catalogue_problems({
        "a": {"ko": "{x}", "en": "{y}"},
        "b": {"en": "only english"},
        "c": {"ko": "{x}와(과) {y}", "en": "{x} and {y}"},
        "d": {"ko": "{x:에서}", "en": "{x}"},
        "ok": {"ko": "{x:와} {y:은}", "en": "{x} and {y}"},
    })
    assert [p.split(":")[0] for p in problems] == ["a", "b", "c.ko", "d.ko"]


def test_no_korean_template_prints_both_forms_of_a_particle() -> None:
    both = re.compile(r"(을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|와\(과\)|과\(와\)|\(으\)로)")
    assert [k for k, t in CATALOGUE.items() if both.search(t["ko"])] == []


def test_particles_follow_the_value_in_korean_and_vanish_in_english() -> None:
    first, second = "생계급여", "주거급여"
    assert render("flag.exclusive", "ko", first=first, second=second) == \
        "생계급여와 주거급여는 함께 받을 수 없지만 둘 다 진행 중입니다."
    assert render("flag.exclusive", "ko", first="긴급지원", second="의료급여") == \
        "긴급지원과 의료급여는 함께 받을 수 없지만 둘 다 진행 중입니다."
    assert render("flag.exclusive", "ko", first="주거 지원", second="돌봄 서비스") == \
        "주거 지원과 돌봄 서비스는 함께 받을 수 없지만 둘 다 진행 중입니다."
    assert render("flag.exclusive", "en", first=first, second=second) == \
        "생계급여 and 주거급여 rule each other out, but both are in play."
    assert render("flag.missing.nothing_in_region", "ko", domain="housing", region="수원시") == \
        "housing: 수원시를 담당하는 자원이 없습니다."


@pytest.mark.parametrize("status", list(ReferralStatus))
def test_a_referral_holding_never_repeats_its_status_word(status: ReferralStatus) -> None:
    """The defect of issue 19: a SENT referral read "(의뢰 의뢰)"."""
    text = render("holding.referred", "ko", name="주거급여", status=status)
    words = re.findall(r"[가-힣]+", text)
    assert all(a != b for a, b in zip(words, words[1:], strict=False)), text
    reason = render("reason.referred", "ko", status=status)
    words = re.findall(r"[가-힣]+", reason)
    assert all(a != b for a, b in zip(words, words[1:], strict=False)), reason


def test_sent_reads_as_a_referral_under_way() -> None:
    sent = ReferralStatus.SENT
    assert render("holding.referred", "ko", name="주거급여", status=sent) == "주거급여 (연계 의뢰)"
    assert render("holding.referred", "en", name="x", status=ReferralStatus.SENT) == "x (referred, sent)"


def test_msg_defaults_to_korean_and_message_renders_late() -> None:
    assert msg("error.bool") == "true 또는 false여야 합니다"
    m = Message.of("error.int.between", lo="0", hi="100", got="101")
    assert m.render("en") == "must be between 0 and 100 (got 101)"
    assert m.render("ko") == "0에서 100 사이여야 합니다 (입력: 101)"
    assert str(m) == m.render("en")


def test_a_coded_error_speaks_both_languages_and_keeps_its_english_message() -> None:
    e = NotFoundError("householdId", Message.of("error.not_found", label="Household", id="'h9'"))
    assert e.message == "no Household with id 'h9'" and str(e) == "householdId: no Household with id 'h9'"
    assert e.localized("en") == "householdId: no Household with id 'h9'"
    from graph.errors import record_label
    e = NotFoundError("householdId",
                      Message.of("error.not_found", label=record_label("Household"), id="'h9'"))
    assert e.localized("ko") == "householdId: ID가 'h9'인 가구가 없습니다"


def test_a_plain_english_error_gets_the_sentence_of_its_code_in_korean() -> None:
    e = ValidationError("on", "must not be before openedAt")
    assert e.localized("ko") == "on: 입력값이 올바르지 않습니다: must not be before openedAt"
    assert e.localized("en") == "on: must not be before openedAt"


def test_the_model_checks_raise_coded_messages() -> None:
    from graph.model import Household
    with pytest.raises(ValidationError) as info:
        Household(id="", region_id="r", size=1, income_percent=50)
    assert info.value.text is not None
    assert info.value.localized("ko").endswith("비어 있지 않은 ID여야 합니다")


def test_every_catalogue_key_the_code_names_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r'(?:Message\.of|msg|render)\(\s*"([a-z_]+\.[A-Za-z_.]+)"')
    for pkg in ("i18n", "graph", "matching", "service", "schema", "api"):
        for path in (ROOT / pkg).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 30
    assert sorted(used - set(CATALOGUE)) == []


def test_template_fields_ignore_particle_specs() -> None:
    assert template_fields("{a:을} {b} {c:로}") == {"a", "b", "c"}
