"""The pages under /app/ (docs/pages.md): served with the strict CSP, nothing referenced
outside the server, texts from the one catalogue in both languages, and ``viewer``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.middleware import APP_CSP
from api.pages import page_texts
from i18n import CATALOGUE
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "api" / "static" / "app"
FILES = sorted(p for p in STATIC.rglob("*") if p.is_file())
_URL = re.compile(r"(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)


def test_there_are_pages() -> None:
    names = {p.name for p in FILES}
    assert {"index.html", "app.css", "print.css", "gql.js", "i18n.js", "page.js"} <= names, names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(STATIC)))
def test_no_page_names_another_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not _URL.search(text), f"{path.name} names an external URL: {_URL.search(text)}"
    if path.suffix == ".html":
        assert "<script>" not in text and not re.search(r"\son[a-z]+\s*=", text), "inline script"
        assert not re.search(r"\sstyle\s*=", text), "inline style (the CSP refuses it)"
        for ref in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', text):
            assert ref.startswith(("/", "#")) and not ref.startswith("//"), ref
    if path.suffix == ".js":
        for ref in re.findall(r'\bimport\b[^"\']*["\']([^"\']+)["\']', text):
            assert ref.startswith("./") or ref.startswith("../"), (path.name, ref)


def test_the_url_check_can_fail() -> None:
    assert _URL.search('<script src="https://cdn.example.org/x.js">')
    assert _URL.search("fetch('//unpkg.com/react')")
    assert not _URL.search('fetch("/graphql")')


def test_each_html_page_and_its_assets_are_served_with_the_strict_csp(client) -> None:
    pages = [p for p in FILES if p.suffix == ".html"]
    for page in pages:
        path = "/app/" + str(page.relative_to(STATIC))
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == APP_CSP
        for ref in re.findall(r'(?:src|href)\s*=\s*["\'](/[^"\'#?]+)["\']', r.text):
            if ref.startswith("/app/") and not ref.endswith(".html"):
                asset = client.get(ref)
                assert asset.status_code == 200 and asset.content, ref
    assert "unsafe" not in APP_CSP and "http" not in APP_CSP
    assert "script-src 'self';" in APP_CSP and "connect-src 'self';" in APP_CSP


def test_the_texts_come_from_the_catalogue_in_both_languages(client) -> None:
    ko, en = client.get("/app/texts/ko.json").json(), client.get("/app/texts/en.json").json()
    page_keys = {k for k in CATALOGUE if k.startswith("page.")}
    assert page_keys and page_keys <= set(ko) and set(ko) == set(en)
    assert ko["page.nav.households"] == "내 가구" and en["page.nav.households"] == "My households"
    assert ko["Urgency.EMERGENCY"] == "긴급" and en["Urgency.EMERGENCY"] == "emergency"
    assert ko == page_texts("ko")
    # every key a page script asks for exists
    used = set()
    for f in FILES:
        if f.suffix in (".js", ".html"):
            used |= set(re.findall(r'["\'`](page\.[A-Za-z0-9_.]+)["\'`]', f.read_text(encoding="utf-8")))
    dynamic = {k for k in used if k.endswith(".")}  # prefixes completed at run time (page.role.)
    assert {k for k in used - dynamic if k not in ko} == set()
    for prefix in dynamic:
        assert any(k.startswith(prefix) for k in ko), prefix


def test_an_unknown_locale_is_a_coded_404(client) -> None:
    r = client.get("/app/texts/fr.json")
    assert r.status_code == 404 and r.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "fr" in r.json()["errors"][0]["message"]


def test_config_names_the_deployments_language_and_zone(make_gql) -> None:
    _, client = make_gql(Settings(locale="en", timezone="Europe/Berlin"))
    assert client.get("/app/config.json").json() == {"locale": "en", "locales": ["ko", "en"],
                                                     "timezone": "Europe/Berlin"}


def test_viewer_says_who_calls(gql) -> None:
    assert gql("{ viewer { role regionId organizationId } }").ok()["viewer"] == {
        "role": "anonymous", "regionId": None, "organizationId": None}
    cw = gql("{ viewer { role regionId organizationId locale timezone } }", who="caseworker").ok()["viewer"]
    assert cw == {"role": "caseworker", "regionId": "gg-suwon", "organizationId": None, "locale": "ko",
                  "timezone": "Asia/Seoul"}
    bar = gql("{ viewer { role regionId organizationId } }", who="partner-bar").ok()["viewer"]
    assert bar == {"role": "partner", "regionId": None, "organizationId": "org-gg-bar"}
    assert gql("{ viewer { role } }", who="nobody").status == 401
