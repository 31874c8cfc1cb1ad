"""Korean particles chosen by the final consonant, for Hangul, digits and Latin letters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from i18n.particles import PAIRS, attach, final_consonant, particle

syllables = st.integers(0xAC00, 0xD7A3).map(chr)
words = st.text(alphabet=st.integers(0xAC00, 0xD7A3).map(chr), min_size=1, max_size=6)


def jong(ch: str) -> int:
    return (ord(ch) - 0xAC00) % 28


@given(words)
def test_object_subject_topic_and_with_follow_the_last_syllable(w: str) -> None:
    has = jong(w[-1]) != 0
    assert particle(w, "을") == particle(w, "를") == ("을" if has else "를")
    assert particle(w, "이") == particle(w, "가") == ("이" if has else "가")
    assert particle(w, "은") == particle(w, "는") == ("은" if has else "는")
    assert particle(w, "와") == particle(w, "과") == ("과" if has else "와")


@given(words)
def test_euro_ro_takes_ro_after_a_vowel_and_after_rieul(w: str) -> None:
    j = jong(w[-1])
    assert particle(w, "으로") == particle(w, "로") == ("로" if j in (0, 8) else "으로")


@given(words, st.sampled_from(sorted(PAIRS)))
def test_only_the_last_syllable_counts(w: str, which: str) -> None:
    assert particle("가" + w, which) == particle(w, which) == particle(w[-1], which)


@given(syllables, st.sampled_from([")", "'", '"', "」", " "]))
def test_a_closing_bracket_or_quote_is_skipped(s: str, closer: str) -> None:
    assert final_consonant(s + closer) == jong(s)


@pytest.mark.parametrize("word, which, expected", [
    ("서울", "으로", "서울로"),  # ㄹ: 로
    ("부산", "으로", "부산으로"),
    ("서울", "을", "서울을"),
    ("대구", "을", "대구를"),
    ("생계급여", "와", "생계급여와"),
    ("주거급여", "은", "주거급여는"),
    ("긴급복지", "과", "긴급복지와"),
    ("의료급여", "와", "의료급여와"),
    ("교육급여", "이", "교육급여가"),
    ("서울(중구)", "을", "서울(중구)을"),  # the particle follows the word before the parenthetical
    ("중구(서울)", "을", "중구(서울)를"),
])
def test_hangul_words(word: str, which: str, expected: str) -> None:
    assert attach(word, which) == expected


@pytest.mark.parametrize("number, expected", [
    ("0", "을"),  # 영
    ("1", "을"),  # 일
    ("2", "를"),  # 이
    ("3", "을"),  # 삼
    ("4", "를"),  # 사
    ("5", "를"),  # 오
    ("6", "을"),  # 육
    ("7", "을"),  # 칠
    ("8", "을"),  # 팔
    ("9", "를"),  # 구
    ("10", "을"),  # 십
    ("20", "을"),  # 이십
    ("100", "을"),  # 백
    ("1000", "을"),  # 천
    ("1,000", "을"),
    ("10000", "을"),  # 만
    ("100000000", "을"),  # 억
    ("1000000000000", "를"),  # 조
    ("12", "를"),  # 십이
    ("2.5", "를"),  # 이점오
    ("50%", "를"),  # 퍼센트
    ("h1", "을"),  # 에이치일
])
def test_digits_are_read_as_sino_korean_numbers(number: str, expected: str) -> None:
    assert particle(number, "를") == expected


def test_the_ro_rule_holds_for_numbers_too() -> None:
    assert attach("1", "로") == "1로"  # 일로: ㄹ
    assert attach("3", "로") == "3으로"  # 삼으로
    assert attach("2", "으로") == "2로"  # 이로


@pytest.mark.parametrize("word, expected", [
    ("MOU", "를"), ("SMS", "를"), ("NGO", "를"), ("URL", "을"), ("A", "를"), ("L", "을"), ("M", "을"),
    ("N", "을"), ("R", "을"), ("Z", "를"),
    ("app", "을"), ("email", "을"), ("program", "을"), ("service", "를"), ("Gyeonggi", "를"),
    ("housing", "을"),
])
def test_latin_letters_as_read_in_korean(word: str, expected: str) -> None:
    assert particle(word, "을") == expected


def test_an_unknown_particle_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown particle"):
        particle("서울", "에서")


def test_symbols_and_empty_words_take_the_vowel_form() -> None:
    assert particle("", "을") == "를"
    assert particle("★", "이") == "가"
