"""The message catalogue: complete in both locales, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.model import Domain, HouseholdTrait, ReferralStatus, Sector, Urgency
from matching.messages import CATALOGUE, Message, catalogue_problems, render, word

MATCHING = Path(__file__).resolve().parents[2] / "matching"
COMMANDS = Path(__file__).resolve().parents[2] / "api" / "commands" / "match.py"


def test_every_entry_has_english_and_korean_with_the_same_parameters():
    assert catalogue_problems() == []


def test_catalogue_problems_are_found():
    assert catalogue_problems({"x": {"en": "{a}", "ko": "{b}"}, "y": {"en": "hi"}}) == [
        "x: locales name different parameters {'en': {'a'}, 'ko': {'b'}}", "y: no text for ko"]


def test_every_key_the_code_names_exists():
    used = set()
    for path in [*MATCHING.glob("*.py"), COMMANDS]:
        used |= set(re.findall(r'"((?:rule|reason|flag|holding|cli)\.[a-z_.]+)"', path.read_text()))
    assert used and not used - set(CATALOGUE)


@pytest.mark.parametrize("enum", [Domain, HouseholdTrait, Urgency, Sector, ReferralStatus])
def test_every_enum_value_has_words_in_both_locales(enum):
    for member in enum:
        en, ko = word(member, "en"), word(member, "ko")
        assert en != member.value and ko != member.value and en != ko


def test_rendering():
    assert render("rule.income.ok", income=62, ceiling=75) == "income 62% of median is within the 75% ceiling"
    assert render("rule.income.ok", "ko", income=62, ceiling=75) == "소득 중위 62%, 기준 75% 이내"
    assert render("reason.cost", won=25000) == "costs the household 25,000 won"
    traits = (HouseholdTrait.ELDERLY, HouseholdTrait.DISABLED)
    assert Message.of("rule.traits.ok", traits=traits).render() == \
        "meets the required traits: elderly, disabled"
    with pytest.raises(KeyError):
        Message.of("no.such.key")
    with pytest.raises(ValueError, match="locale"):
        render("rule.active.ok", "fr")
