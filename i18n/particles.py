"""Korean particles (조사) chosen by the final consonant (받침) of the word before.

``particle("서울", "을")`` is ``"을"``, ``particle("부산", "를")`` is ``"을"`` too:
either form names the pair. Pairs: 을/를, 이/가, 은/는, 과/와, 으로/로 (로 after
a vowel or ㄹ: 서울로, 부산으로), 이나/나, 이라/라, 아/야, 이다/다.

The word's last sound decides. A Hangul syllable carries its own 받침; other
endings are read as a Korean speaker reads them aloud:

* digits by the Sino-Korean number: 1 일, 3 삼, 2 이, 10 십, 100 백,
  1000 천, 10000 만, 1억 억; "3" takes 을 (삼을), "2" takes 를 (이를);
  thousands separators and decimals are read too ("1,000" 천, "2.5" 오);
* Latin letters: an acronym or a single letter by the letter's name
  (L 엘, M 엠, N 엔, R 알 end in a consonant: "MOU를", "SMS를", "NGO를",
  "URL을"); a lower-case word by its spelling (ends in l, m, n, ng, k, p:
  "email을", "app을", "map을"; otherwise a vowel: "service를");
* a closing bracket or quote is skipped (the particle follows the word, not
  the bracket), and a parenthetical at the end is skipped: "서울(중구)을".

Anything else (symbols, an empty word) takes the vowel form.
"""

from __future__ import annotations

_FIRST, _LAST = 0xAC00, 0xD7A3
#: 받침 index of ㄹ in a syllable's (code - 0xAC00) % 28
RIEUL = 8

#: each particle pair: (after a consonant, after a vowel); 으로/로 has the ㄹ rule
PAIRS: dict[str, tuple[str, str]] = {}
for _c, _v in (("을", "를"), ("이", "가"), ("은", "는"), ("과", "와"), ("으로", "로"), ("이나", "나"),
               ("이라", "라"), ("아", "야"), ("이다", "다"), ("이랑", "랑"), ("이며", "며")):
    PAIRS[_c] = PAIRS[_v] = (_c, _v)

#: the 받침 index (0 = none) of each digit's Sino-Korean reading: 영 일 이 삼 사 오 육 칠 팔 구
_DIGIT = {"0": 21, "1": RIEUL, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": RIEUL, "8": RIEUL, "9": 0}
#: 받침 of the unit a run of trailing zeros is read as: 십 백 천 만 (만 again up to 천만) 억 ... 조 ... 경
_UNITS = {1: 17, 2: 1, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 1, 9: 1, 10: 1, 11: 1, 12: 0, 13: 0, 14: 0, 15: 0}
#: letters whose Korean name ends in a consonant: L 엘, M 엠, N 엔, R 알 (the rest: 에이, 비, 씨, ...)
_LETTER = {"l": RIEUL, "m": 16, "n": 4, "r": RIEUL}
_CLOSERS = ")]}>'\"”’」』》〉"
_OPENERS = {")": "(", "]": "[", "}": "{", ">": "<", "」": "「", "』": "『", "》": "《", "〉": "〈"}


def final_consonant(word: str) -> int:
    """The 받침 index (0 for none, 8 for ㄹ) of how ``word`` ends when read in Korean."""
    text = word.rstrip()
    while text and text[-1] in _CLOSERS:
        closer = text[-1]
        opener = _OPENERS.get(closer)
        if opener and opener in text[:-1] and text[: text.rindex(opener)].strip():
            text = text[: text.rindex(opener)].rstrip()  # 서울(중구) -> 서울
        else:
            text = text[:-1].rstrip()
    if not text:
        return 0
    last = text[-1]
    code = ord(last)
    if _FIRST <= code <= _LAST:
        return (code - _FIRST) % 28
    if last.isdigit() and last.isascii():
        return _number(text)
    if last == "%":
        return 0  # 퍼센트
    if last.isascii() and last.isalpha():
        return _latin(text)
    return 0


def _number(text: str) -> int:
    i = len(text)
    while i and (text[i - 1].isdigit() or text[i - 1] in ",") and text[i - 1].isascii():
        i -= 1
    digits = text[i:].replace(",", "")
    if i and text[i - 1] == "." and i > 1 and text[i - 2].isdigit():
        return _DIGIT[digits[-1]]  # a decimal reads digit by digit: 2.50 -> 오영
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped:
        return _DIGIT["0"]
    if zeros == 0:
        return _DIGIT[digits[-1]]
    return _UNITS.get(zeros, 21)  # 경 and beyond


def _latin(text: str) -> int:
    i = len(text)
    while i and text[i - 1].isascii() and text[i - 1].isalpha():
        i -= 1
    run = text[i:]
    if len(run) == 1 or run.isupper():
        return _LETTER.get(run[-1].lower(), 0)
    w = run.lower()
    if w.endswith("ng"):
        return 21
    return {"l": RIEUL, "m": 16, "n": 4, "k": 1, "p": 17}.get(w[-1], 0)


def particle(word: str, which: str) -> str:
    """The form of particle ``which`` (either form of a pair: "을" or "를") that follows ``word``."""
    try:
        after_consonant, after_vowel = PAIRS[which]
    except KeyError:
        raise ValueError(f"unknown particle {which!r}: one of {', '.join(sorted(PAIRS))}") from None
    jong = final_consonant(word)
    if after_consonant == "으로":
        return after_vowel if jong in (0, RIEUL) else after_consonant
    return after_consonant if jong else after_vowel


def attach(word: str, which: str) -> str:
    """``word`` followed by the right form of particle ``which``: ``attach("서울", "로")`` → "서울로"."""
    return word + particle(word, which)
