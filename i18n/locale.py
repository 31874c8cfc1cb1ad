"""Which language a request or a command speaks: ``ko`` (the default) or ``en``.

Precedence, first that names a supported language wins:

1. an explicit choice: the ``?locale=`` query parameter of a request, the
   CLI's ``--lang``;
2. the request's ``Accept-Language`` header, by its q-values (``en-US,en;q=0.9``
   is English, ``ko-KR`` Korean, ``fr`` alone falls through);
3. the deployment's ``DOLBOM_LOCALE`` (``Settings.locale``, default ``ko``).

An explicit choice that names no supported language is refused by the caller
(a coded BAD_USER_INPUT naming ``locale``); a header is only a preference and
never refused.
"""

from __future__ import annotations

from .catalogue import DEFAULT_LOCALE, LOCALES


def normalise(tag: str | None) -> str | None:
    """``"ko-KR"`` -> ``"ko"``, ``"EN_us"`` -> ``"en"``; None for a language Dolbom does not speak."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the header prefers most, or None (``*`` and unknown tags give None)."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        loc = normalise(tag)
        if loc is None or not 0 < q <= 1:
            continue
        if best is None or (q, -i) > (best[0], best[1]):
            best = (q, -i, loc)
    return best[2] if best else None


def negotiate(explicit: str | None = None, accept_language: str | None = None,
              default: str = DEFAULT_LOCALE) -> str:
    """The locale to speak (see the module docstring). ``explicit`` must already be valid."""
    return (normalise(explicit) or from_accept_language(accept_language) or normalise(default)
            or DEFAULT_LOCALE)
