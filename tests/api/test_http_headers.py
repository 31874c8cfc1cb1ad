"""Every response carries X-Content-Type-Options, a Content-Security-Policy
with frame-ancestors 'none' and X-Frame-Options; the network page's policy
allows only its own files (the browser test, tests/e2e, checks it still works)."""

from __future__ import annotations

import pytest


@pytest.fixture
def store(sample_store):
    """The door is the same whatever the store behind it: the embedded one only."""
    return sample_store


def _policy(r) -> dict[str, str]:
    out = {}
    for part in r.headers["content-security-policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


@pytest.mark.parametrize("path", ["/network/", "/network/network.js", "/network/network.css",
                                  "/network/vendor/cytoscape.min.js"])
def test_the_network_page_is_locked_to_its_own_files(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    csp = _policy(r)
    assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and "unsafe-inline" not in r.headers["content-security-policy"]
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"


def test_the_page_loads_no_script_from_elsewhere(client):
    page = client.get("/network/").text
    assert "<script>" not in page and "http://" not in page and "https://" not in page
    assert "network.js" in page and "vendor/cytoscape.min.js" in page


@pytest.mark.parametrize("method, path, kwargs", [
    ("post", "/graphql", {"json": {"query": "{ services { totalCount } }"}}),
    ("post", "/graphql", {"content": b"\xff", "headers": {"content-type": "application/json"}}),
    ("get", "/healthz", {}),
    ("get", "/readyz", {}),
    ("get", "/nowhere", {}),
])
def test_api_answers_carry_the_headers_too(client, method, path, kwargs):
    r = getattr(client, method)(path, **kwargs)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    csp = _policy(r)
    assert csp == {"default-src": "'none'", "frame-ancestors": "'none'"}


def test_graphiql_may_not_be_framed(client):
    r = client.get("/graphql", headers={"accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    assert _policy(r)["frame-ancestors"] == "'none'" and r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
