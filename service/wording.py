"""Small helpers for the service layer's catalogue messages (``i18n/texts/service.py``).

An error's English text names enum values as the API spells them (``CLOSED``,
``EMERGENCY``); the Korean text names them by their word (종결, 긴급). :func:`code`
gives a value both ways, for a :class:`i18n.Message` parameter.
"""

from __future__ import annotations

import enum
import re

from i18n import Message, Text, word
from i18n.catalogue import CATALOGUE


def code(value: enum.Enum) -> Text | Message:
    """``value`` as its API code in English and its word in Korean (the catalogue's value
    word, or ``case.status.*`` for a case status); the code itself where there is no word."""
    key = f"case.status.{value.value}"
    if type(value).__name__ == "CaseStatus" and key in CATALOGUE:
        return Message.of(key)
    return Text(ko=word(value, "ko"), en=str(value.value))


def what(action: str | Message) -> str | Message:
    """What a role may not do, as ``require_role``'s ``what``: an English phrase names a
    ``perm.what.<phrase_in_snake_case>`` message when the catalogue has one (tests/i18n checks every
    phrase the code passes has one)."""
    if isinstance(action, Message):
        return action
    key = "perm.what." + re.sub(r"[^a-z]+", "_", action.lower()).strip("_")
    return Message.of(key) if key in CATALOGUE else action
