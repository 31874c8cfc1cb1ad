"""The pages under ``/app/`` (docs/pages.md): plain HTML and ES modules in
``api/static/app``, served as static files, plus two small JSON routes the
pages read before anything else:

- ``GET /app/config.json``: the deployment's default language (``DOLBOM_LOCALE``),
  the languages there are, and the zone times are shown in (``DOLBOM_TIMEZONE``);
- ``GET /app/texts/<locale>.json``: every ``page.*`` text of the catalogue
  (:mod:`i18n.texts.pages`) and the words for enum values (``Urgency.EMERGENCY``
  → 긴급), in that language: the pages and the API speak from one catalogue.
  An unknown locale is a coded 404 naming it.

Neither says anything about a household or a caller: no token is needed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from i18n import CATALOGUE, LOCALES
from i18n.catalogue import VALUE_WORDS
from service.settings import Settings

from .middleware import json_error

PREFIX = "page."


def page_texts(locale: str) -> dict[str, str]:
    """The pages' texts and the enum words in ``locale`` (one of :data:`i18n.LOCALES`)."""
    out = {k: v[locale] for k, v in CATALOGUE.items() if k.startswith(PREFIX)}
    out.update({k: v[locale] for k, v in VALUE_WORDS.items()})
    return out


def routes(settings: Settings, directory: str) -> list[BaseRoute]:
    """The JSON routes, then the static mount of ``directory`` at ``/app``."""
    texts = {loc: page_texts(loc) for loc in LOCALES}  # built once: the catalogue does not change
    config = {"locale": settings.locale, "locales": list(LOCALES), "timezone": settings.timezone}
    cache = {"Cache-Control": "no-cache"}

    async def config_json(request: Request) -> Response:
        return JSONResponse(config, headers=cache)

    async def texts_json(request: Request) -> Response:
        locale = request.path_params["locale"]
        if locale not in texts:
            rid = (request.scope.get("state") or {}).get("request_id")
            return json_error(404, f"no texts for locale {locale!r} (one of {', '.join(LOCALES)})",
                              "NOT_FOUND", rid)
        return JSONResponse(texts[locale], headers=cache)

    return [
        Route("/app/config.json", config_json, methods=["GET"]),
        Route("/app/texts/{locale}.json", texts_json, methods=["GET"]),
        Mount("/app", StaticFiles(directory=directory, html=True), name="app"),
    ]
