"""GraphiQL is served from this server's own files: the page names no other host, its
assets are here and in the wheel, and the CSP lets the browser load nothing else."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from api.middleware import IDE_CSP
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "api" / "static" / "graphiql"
HTML = {"accept": "text/html"}


def _policy(header: str) -> dict[str, str]:
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in header.split(";")) if d}


def _references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html, flags=re.I)


def test_the_ide_page_references_nothing_outside_the_server(make_gql) -> None:
    _, client = make_gql(Settings(graphiql=True))
    r = client.get("/graphql", headers=HTML)
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    refs = _references(r.text)
    assert len(refs) >= 4, refs  # react, react-dom, graphiql, our script (and styles)
    assert [u for u in refs if not u.startswith("/") or u.startswith("//")] == []
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", r.text, flags=re.I), "an external URL"
    for ref in refs:  # and every one of them is served
        asset = client.get(ref)
        assert asset.status_code == 200 and len(asset.content) > 20, ref


def test_our_script_names_no_external_host() -> None:
    for f in ("ide.js", "ide.css", "index.html"):
        assert not re.search(r"https?://", (STATIC / f).read_text(encoding="utf-8")), f


def test_the_ide_csp_allows_this_server_only(make_gql) -> None:
    _, client = make_gql(Settings(graphiql=True))
    for path in ("/graphql", "/graphiql/", "/graphiql/vendor/graphiql.min.js"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        policy = _policy(r.headers["content-security-policy"])
        assert r.headers["content-security-policy"] == IDE_CSP
        for directive in ("default-src", "script-src", "style-src", "connect-src"):
            assert policy[directive] == "'self'", (path, directive)
        assert "unsafe-inline" not in IDE_CSP and "unsafe-eval" not in IDE_CSP and "http" not in IDE_CSP
        assert policy["frame-ancestors"] == "'none'"


def test_graphiql_off_serves_neither_page_nor_assets(make_gql) -> None:
    _, client = make_gql(Settings(graphiql=False))
    assert client.get("/graphql", headers=HTML).status_code != 200 or \
        "graphiql" not in client.get("/graphql", headers=HTML).text.lower()
    assert client.get("/graphiql/vendor/graphiql.min.js").status_code == 404


def test_the_vendored_files_carry_their_licences_and_ship_in_the_wheel() -> None:
    vendor = STATIC / "vendor"
    for lib in ("graphiql", "react", "react-dom"):
        assert "MIT License" in (vendor / f"{lib}.LICENSE.txt").read_text(encoding="utf-8")
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["api"]
    for f in STATIC.rglob("*"):
        if f.is_file():
            rel = f.relative_to(ROOT / "api")
            assert any(rel.match(p) for p in patterns), rel
