"""matching/'s view of the one message catalogue (:mod:`i18n`).

The texts live in ``i18n/texts/matching.py``; the machinery (``Message``,
``Text``, ``render``, particles) in :mod:`i18n.catalogue`. matching/ builds
:class:`Message` values (a key and parameters) and renders them in the
caller's locale, which its pure functions take as an argument (``"en"``
when not given; the API and the CLI pass the deployment's, Korean by default).
"""

from __future__ import annotations

from i18n.catalogue import (
    CATALOGUE,
    LOCALES,
    Message,
    Text,
    catalogue_problems,
    check_locale,
    render,
    word,
)

#: the default of matching's own functions (the deployment's default is :data:`i18n.DEFAULT_LOCALE`)
DEFAULT_LOCALE = "en"

__all__ = ["CATALOGUE", "DEFAULT_LOCALE", "LOCALES", "Message", "Text", "catalogue_problems", "check_locale",
           "render", "word"]
