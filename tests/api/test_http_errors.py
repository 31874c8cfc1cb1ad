"""Refusals at the HTTP level are JSON with a code, never a plain-text 500.

Each case here was an HTTP 500 with a plain-text body, or a plain-text 400
without ``extensions.code``, or ran the wrong operation: bytes that are not
UTF-8, a JSON body that is a string, ``null`` or a number, variables nested
2,000 to 100,000 deep, a 5,000-digit integer, a batch, a ``text/plain`` body,
a GET mutation, two operations and no ``operationName``.
"""

from __future__ import annotations

import json

import pytest

from schema.errors import CODES

Q = "{ services(first: 1) { totalCount } }"


@pytest.fixture
def store(sample_store):
    """The door is the same whatever the store behind it: the embedded one only."""
    return sample_store


def _post(client, body: bytes, content_type: str = "application/json", who: str | None = None):
    headers = {"content-type": content_type}
    if who:
        headers["authorization"] = f"Bearer {who}"
    return client.post("/graphql", content=body, headers=headers)


def _refused(r, status: int = 400, code: str = "BAD_USER_INPUT") -> str:
    """Asserts one coded JSON error (with the request id) and returns its message."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.text
    errors = r.json()["errors"]
    assert len(errors) == 1 and errors[0]["extensions"]["code"] == code, errors
    assert errors[0]["extensions"]["requestId"] == r.headers["x-request-id"]
    assert "Traceback" not in r.text
    return errors[0]["message"]


@pytest.mark.parametrize("body", [
    b'{"query": "{ services { totalCount } }", "x": "\xff\xfe"}',
    b'{"query": "{ region(id: \\"\xc3\\") { id } }"}',
])
def test_a_body_that_is_not_utf8_is_bad_user_input(client, body):
    assert "UTF-8" in _refused(_post(client, body))


@pytest.mark.parametrize("body", [b'"hello"', b"null", b"123", b"true", b"1.5"])
def test_a_json_body_that_is_not_an_object_is_bad_user_input(client, body):
    assert "JSON object" in _refused(_post(client, body))


@pytest.mark.parametrize("body", [b"[]", json.dumps([{"query": Q}, {"query": Q}]).encode()])
def test_a_batch_is_refused_as_json(client, body):
    assert "batch" in _refused(_post(client, body))


@pytest.mark.parametrize("depth", [40, 2_000, 100_000])
@pytest.mark.parametrize("open_, close", [("[", "]"), ('{"a":', "}")])
def test_deep_nesting_in_variables_is_bad_user_input(client, depth, open_, close):
    inner = open_ * depth + ("1" if open_ != "[" else "") + close * depth
    query = "query($v: [String]) { services(first: 1) { totalCount } }"
    body = f'{{"query": "{query}", "variables": {{"v": {inner}}}}}'
    assert "nested" in _refused(_post(client, body.encode()))


def test_ordinary_nesting_is_fine(gql):
    r = gql("query($ids: [ID!]!) { allocate(householdIds: $ids) { optimal } }", "coordinator", ids=["x"])
    assert r.code == "NOT_FOUND"  # read, coerced and answered: nothing refused at the door


def test_a_5000_digit_integer_in_variables_is_bad_user_input(client):
    body = ('{"query": "query($n: Int) { services(first: $n) { totalCount } }", "variables": {"n": '
            + "9" * 5000 + "}}")
    assert "5,000 characters" in _refused(_post(client, body.encode()))


def test_a_5000_digit_integer_in_the_document_is_bad_user_input(gql):
    r = gql("{ services(first: " + "9" * 5000 + ") { totalCount } }")
    assert r.code == "BAD_USER_INPUT" and "5,000 characters" in r.errors[0]["message"], r.body


def test_a_long_but_readable_integer_is_the_usual_coercion_error(gql):
    r = gql("query($n: Int) { services(first: $n) { totalCount } }", n=10**30)
    assert r.code == "BAD_USER_INPUT" and "$n" in r.errors[0]["message"]


@pytest.mark.parametrize("body", [b"{not json", b"", b'{"query": NaN}', b'{"query": "x",}'])
def test_bad_json_is_coded(client, body):
    assert "JSON" in _refused(_post(client, body))


@pytest.mark.parametrize("doc, word", [
    ({"query": 5}, "query"), ({"query": Q, "variables": "x"}, "variables"), ({"query": Q, "variables": [1]},
                                                                             "variables"),
    ({"query": Q, "operationName": 5}, "operationName"), ({"query": Q, "extensions": "x"}, "extensions"),
])
def test_fields_of_the_wrong_type_are_coded(client, doc, word):
    assert word in _refused(_post(client, json.dumps(doc).encode()))


@pytest.mark.parametrize("doc", [{}, {"query": None}, {"query": Q, "operationName": "Nope"}])
def test_no_query_or_an_unknown_operation_is_coded(client, doc):
    _refused(_post(client, json.dumps(doc).encode()))


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", ""])
def test_a_body_that_is_not_json_is_refused_as_json(client, ctype):
    _refused(_post(client, json.dumps({"query": Q}).encode(), ctype))


def test_a_get_mutation_is_refused_as_json(client):
    r = client.get("/graphql", params={"query": 'mutation { retireService(id: "svc-gg-legal") { id } }'},
                   headers={"accept": "application/json"})
    assert "mutation" in _refused(r).lower()


@pytest.mark.parametrize("params", [
    {"query": Q, "variables": "%FF"}, {"query": Q, "variables": "{x"}, {"query": Q, "variables": "5"},
    {"query": Q, "variables": "[" * 3000}, {"query": Q, "operationName": "\xff"},
])
def test_bad_get_parameters_are_refused_as_json(client, params):
    _refused(client.get("/graphql", params=params, headers={"accept": "application/json"}))


def test_invalid_percent_encoded_utf8_in_the_query_string_is_not_a_500(client):
    for qs in ("query=%FF%FE", "query=%7Bservices%7BtotalCount%7D%7D&variables=%7B%22a%22%3A%22%FF%22%7D",
               "%FF=1&query=%7Bservices%7BtotalCount%7D%7D"):
        r = client.get(f"/graphql?{qs}", headers={"accept": "application/json"})
        assert r.status_code in (200, 400), r.text
        assert r.headers["content-type"].startswith("application/json"), r.text
        for e in r.json().get("errors") or []:
            assert e["extensions"]["code"] == "BAD_USER_INPUT"


def test_two_operations_without_operation_name_run_neither(gql, store):
    doc = ('mutation A { retireService(id: "svc-gg-legal") { id } } '
           'query B { services { totalCount } }')
    r = gql(doc, "coordinator")
    assert r.code == "BAD_USER_INPUT" and "operationName" in r.errors[0]["message"]
    assert store.get("Service", "svc-gg-legal").active  # the mutation did not run
    r = gql("query A { services { totalCount } } query B { region(id: \"gg\") { id } }")
    assert r.code == "BAD_USER_INPUT" and r.data is None


def test_two_operations_with_an_operation_name_run_that_one(client):
    doc = 'query A { services { totalCount } } query B { region(id: "gg") { id } }'
    r = client.post("/graphql", json={"query": doc, "operationName": "B"})
    assert r.status_code == 200 and r.json()["data"] == {"region": {"id": "gg"}}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_json_405(client, method):
    r = client.request(method, "/graphql", content=b"{}")
    _refused(r, 405)
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_unknown_paths_and_methods_elsewhere_are_json(client):
    _refused(client.get("/nothing-here"), 404, "NOT_FOUND")
    _refused(client.get("/network/missing.js"), 404, "NOT_FOUND")
    _refused(client.post("/healthz"), 405)


def test_graphiql_off_is_a_json_404(make_gql):
    from service.settings import Settings

    _, c = make_gql(Settings(graphiql=False))
    _refused(c.get("/graphql", headers={"accept": "text/html"}), 404, "NOT_FOUND")


def test_every_refusal_code_is_a_contract_code(client):
    bodies = [b"\xff", b"null", b"[]", b"{", b'{"query": 1}']
    for b in bodies:
        r = _post(client, b)
        assert {e["extensions"]["code"] for e in r.json()["errors"]} <= set(CODES)
