"""``/hsds/``: the directory as an Open Referral HSDS 3.1 API (read-only).

Routes (the HSDS OpenAPI's required ones and the cheap optional ones):
``/hsds/`` (version), ``/hsds/services`` (paged; ``search``,
``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``, ``region_id``),
``/hsds/services/{id}``, ``/hsds/organizations`` (paged; ``search``),
``/hsds/organizations/{id}``, ``/hsds/taxonomies``, ``/hsds/taxonomy_terms``
(paged; ``taxonomy_id``, ``search``); every list takes ``page`` and
``per_page`` (1-500, default 50). The use cases are :mod:`service.hsds`.

Open like the directory: no token needed. A request that sends one has it
checked (a bad token is HTTP 401 coded UNAUTHENTICATED, as on /graphql). A bad
or unknown query parameter is HTTP 400 coded BAD_USER_INPUT, naming it; an
unknown id HTTP 404 coded NOT_FOUND; errors are JSON like the rest of the
HTTP layer (:func:`api.middleware.json_error`).

Messages are in the request's language, as on /graphql (docs/locale.md):
``?locale=`` (every route takes it), else ``Accept-Language``, else
``DOLBOM_LOCALE`` (Korean by default); rendered from the catalogue
(:mod:`i18n`), ``parameter: text``. The code and the parameter's name never
change with the language. A ``locale`` naming no supported language is itself
a 400 naming ``locale``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.errors import DolbomError, ValidationError
from graph.store import Store
from i18n import LOCALES, Message, render
from i18n.catalogue import DEFAULT_LOCALE
from i18n.locale import negotiate, normalise
from service import hsds

from .middleware import JSONAnswer, json_error

_INT = ("page", "per_page")
_TEXT_MAX = 200


def _params(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if name not in allowed and name != "locale":
            raise ValidationError(name, Message.of("hsds.param.unknown", allowed=[*allowed, "locale"]))
        if len(values) > 1:
            raise ValidationError(name, Message.of("hsds.param.repeated"))
        if name == "locale":
            continue  # read by _locale
        value = values[0]
        if name in _INT:
            if not value.isascii() or not value.isdigit() or len(value) > 9:
                raise ValidationError(name, Message.of("hsds.param.whole", got=repr(value[:40])))
            out[name] = int(value)
        else:
            if not value.strip() or len(value) > _TEXT_MAX:
                raise ValidationError(name, Message.of("hsds.param.length", limit=_TEXT_MAX))
            out[name] = value
    return out


def _explicit_locale(request: Request, preferred: str) -> str:
    """``?locale=`` when given (refused when it names no supported language), else ``preferred``
    (``Accept-Language``, then DOLBOM_LOCALE: :func:`i18n.locale.negotiate`)."""
    explicit = request.query_params.get("locale")
    if explicit is None:
        return preferred
    chosen = normalise(explicit)
    if chosen is None:
        raise ValidationError("locale", Message.of("error.locale", allowed=list(LOCALES),
                                                   got=repr(explicit[:20])))
    return chosen


def routes(store: Callable[[], Store], authenticate: Callable[[Store, str | None], Any], *,
           locale: str = DEFAULT_LOCALE) -> list[Route]:
    """The routes, over the app's store (a getter) and its token check; ``locale``: the
    deployment's language (``DOLBOM_LOCALE``), when the request names none."""

    def answer(request: Request, call: Callable[[Store], Any]) -> Callable[[], Any]:
        def run() -> Any:
            s = store()
            header = request.headers.get("authorization")
            if header is not None:
                authenticate(s, header)
            return call(s)
        return run

    def endpoint(allowed: tuple[str, ...], fn: Callable[..., Any], *, by_id: str | None = None
                 ) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            rid = (request.scope.get("state") or {}).get("request_id")
            lang = negotiate(None, request.headers.get("accept-language"), locale)
            try:
                lang = _explicit_locale(request, lang)
                kwargs = _params(request, allowed)
                if by_id is not None:
                    key = request.path_params["id"]
                    found = await run_in_threadpool(answer(request, lambda s: fn(s, key)))
                    if found is None:
                        text = render("error.not_found", lang, label=Message.of(f"label.{by_id}"),
                                      id=repr(key[:80]))
                        return json_error(404, text, "NOT_FOUND", rid)
                    return JSONAnswer(found)
                return JSONAnswer(await run_in_threadpool(answer(request, lambda s: fn(s, **kwargs))))
            except ValidationError as e:
                text = e.localized(lang)
                return json_error(400, text, "BAD_USER_INPUT", rid)
            except DolbomError as e:
                if e.code in ("UNAUTHENTICATED", "FORBIDDEN"):
                    return json_error(401, e.localized(lang), "UNAUTHENTICATED", rid,
                                      headers={"WWW-Authenticate": 'Bearer realm="dolbom"'})
                raise
        return handle

    async def root(request: Request) -> Response:
        return await endpoint((), lambda s: hsds.info())(request)

    paged = ("page", "per_page")
    return [
        Route("/hsds/", root, methods=["GET"]),
        Route("/hsds", root, methods=["GET"]),
        Route("/hsds/services", endpoint(
            (*paged, "search", "taxonomy_term_id", "taxonomy_id", "organization_id", "region_id"),
            hsds.services), methods=["GET"]),
        Route("/hsds/services/{id}", endpoint((), hsds.service, by_id="Service"), methods=["GET"]),
        Route("/hsds/organizations", endpoint((*paged, "search"), hsds.organizations), methods=["GET"]),
        Route("/hsds/organizations/{id}", endpoint((), hsds.organization, by_id="Organization"),
              methods=["GET"]),
        Route("/hsds/taxonomies", endpoint(paged, hsds.taxonomies), methods=["GET"]),
        Route("/hsds/taxonomy_terms", endpoint((*paged, "taxonomy_id", "search"), hsds.taxonomy_terms),
              methods=["GET"]),
    ]
