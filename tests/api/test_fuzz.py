"""Property-based fuzzing of the served schema with hypothesis-graphql.

Valid documents (every query and mutation, arbitrary arguments) and invalid
ones (one schema violation each) are sent as several callers. The property:
no response is an HTTP 500 and no error is INTERNAL; every error carries a
contract code. ~200 examples per run in CI; set DOLBOM_FUZZ_EXAMPLES for more.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

hypothesis_graphql = pytest.importorskip(
    "hypothesis_graphql", reason="hypothesis-graphql is not installed (pip install -e .[test])")
from hypothesis_graphql import Mode, from_schema, nodes

from service.settings import Settings
from loaders.sample import sample_records
from schema.build import schema as served
from schema.errors import CODES

EXAMPLES = int(os.environ.get("DOLBOM_FUZZ_EXAMPLES", "200"))
#: the served SDL with ID as a custom scalar, so generated ids are often real
#: ones (random strings alone would only ever reach NOT_FOUND); documents
#: carry ids as string literals, so they stay valid against the real schema
SDL = re.sub(r"\bID\b", "FuzzID", served.as_str()) + "\nscalar FuzzID\n"
KNOWN_IDS = sorted({r.key for r in sample_records() if r.LABEL != "Receipt"})
SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "FuzzID": st.one_of(st.sampled_from(KNOWN_IDS), st.text(max_size=12)).map(nodes.String),
}
# the first caller is the one hypothesis tries most: the one that can reach every resolver
CALLERS = st.sampled_from(["coordinator", "caseworker", "partner-bar", None])


@pytest.fixture(scope="module")
def fuzz_client(sample_db, authenticator):
    from starlette.testclient import TestClient

    from api.app import create_app
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(sample_db, synchronous="OFF")
    # generous document limits so most examples reach the resolvers
    app = create_app(store, Settings(max_depth=25, max_aliases=200, max_tokens=50_000, allocate_time_limit=2.0),
                     authenticate=authenticator)
    with TestClient(app) as client:
        yield client
    store.close()


def _check(client, document: str, who: str | None) -> None:
    headers = {"Authorization": f"Bearer {who}"} if who else {}
    r = client.post("/graphql", json={"query": document}, headers=headers)
    assert r.status_code != 500, (document, r.text)
    assert r.status_code in (200, 400), (document, r.status_code, r.text)
    body = r.json()
    for err in body.get("errors") or []:
        code = (err.get("extensions") or {}).get("code")
        assert code in CODES and code != "INTERNAL", (document, who, err)
        assert "Traceback" not in err["message"]


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("DOLBOM_FUZZ_EXAMPLES"),
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large, HealthCheck.filter_too_much])


@FUZZ_SETTINGS
@given(document=from_schema(SDL, custom_scalars=SCALARS), who=CALLERS)
def test_valid_documents_never_fail_internally(fuzz_client, document, who):
    _check(fuzz_client, document, who)


@settings(parent=FUZZ_SETTINGS, max_examples=max(20, EXAMPLES // 4))
@given(document=from_schema(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE), who=CALLERS)
def test_invalid_documents_are_bad_user_input(fuzz_client, document, who):
    _check(fuzz_client, document, who)
