"""Words and times for people: the one message catalogue (Korean first, English on
request), Korean particles, the locale of a request, and the deployment's time zone.

The lowest layer: it imports nothing of the project, so every layer may use it.
New code renders a message with :func:`msg`::

    from i18n import msg
    msg("error.not_found", locale, label="Household", key="h1")

and adds its texts to a module of ``i18n/texts/`` (both languages, the same
parameters: ``tests/i18n`` checks). See ``docs/locale.md``.
"""

from .catalogue import (
    CATALOGUE,
    DEFAULT_LOCALE,
    LOCALES,
    Message,
    Text,
    catalogue_problems,
    check_locale,
    msg,
    render,
    word,
)
from .particles import attach, final_consonant, particle

__all__ = ["CATALOGUE", "DEFAULT_LOCALE", "LOCALES", "Message", "Text", "attach", "catalogue_problems",
           "check_locale", "final_consonant", "msg", "particle", "render", "word"]
