"""Ids that print alike are one id; text that no store can write is refused.

An id may not hold characters that are invisible or reorder text (C1
controls, zero-width spaces and joiners, bidi overrides, the BOM, line
separators, Hangul fillers) nor lone surrogates; NFC and NFD spellings of
one id name the same record. A lone surrogate in free text (a need's
``detail``) is BAD_USER_INPUT naming the field, never INTERNAL.
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from graph.errors import ValidationError
from graph.model import Household, Need

C = "coordinator"
CREATE = ("mutation($id: ID!) { createHousehold(input: {id: $id, regionId: \"gg-suwon-jowon\", size: 2, "
          "incomePercent: 40, urgency: GENERAL}) { id } }")


def _raw(client, body: str, who: str = C) -> dict:
    """POST a body written by hand (JSON escapes such as \\ud800 stay as written)."""
    r = client.post("/graphql", content=body.encode("ascii"),
                    headers={"content-type": "application/json", "authorization": f"Bearer {who}"})
    assert r.status_code in (200, 400), r.text
    return r.json()


@pytest.mark.parametrize("bad", ["hh-\u0085x", "hh-\u2028x", "hh-\u200bx", "hh-\u200dx", "hh-\u202ex",
                                 "hh-\u2066x", "\ufeffhh-x", "hh-\u3164x", "hh-\u00adx", "hh-\ufe0fx"])
def test_invisible_characters_in_an_id_are_bad_user_input_naming_it(gql, store, bad):
    r = gql(CREATE, C, id=bad)
    assert r.code == "BAD_USER_INPUT", r.body
    assert r.errors[0]["extensions"]["field"] == "id" and "U+" in r.errors[0]["message"]
    assert store.get("Household", bad) is None


def test_a_lone_surrogate_in_an_id_is_bad_user_input(client, store):
    body = json.dumps({"query": CREATE, "variables": {"id": "hh-SURR"}}).replace("SURR", "\\ud800x")
    out = _raw(client, body)
    err = out["errors"][0]
    assert err["extensions"]["code"] == "BAD_USER_INPUT" and err["extensions"]["field"] == "id", out
    assert len(store.list("Household")) == 3


def test_a_lone_surrogate_in_a_need_detail_is_bad_user_input_naming_detail(client, store):
    query = ("mutation($d: String) { addNeed(householdId: \"hh-0001\", input: {id: \"need-s\", domain: FOOD, "
             "severity: 2, detail: $d}) { id } }")
    body = json.dumps({"query": query, "variables": {"d": "DETAIL"}}).replace("DETAIL", "x\\udc00y")
    out = _raw(client, body)
    err = out["errors"][0]
    assert err["extensions"]["code"] == "BAD_USER_INPUT" and err["extensions"]["field"] == "detail", out
    assert store.get("Need", "need-s") is None


def test_nfc_and_nfd_spellings_are_one_household(gql, store):
    nfc = "가구-수원-1"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert gql(CREATE, C, id=nfd).ok()["createHousehold"]["id"] == nfc
    assert gql(CREATE, C, id=nfc).ok()  # the same record again: idempotent, not a second household
    assert [h.id for h in store.list("Household") if h.id.startswith("가")] == [nfc]
    # and a lookup by either spelling finds it
    for spelling in (nfc, nfd):
        found = gql("query($id: ID!) { household(id: $id) { id } }", C, id=spelling).ok()
        assert found["household"]["id"] == nfc


def test_the_model_refuses_and_normalises_without_the_api():
    with pytest.raises(ValidationError) as e:
        Household(id="hh\u200b1", region_id="gg", size=1, income_percent=1, urgency="GENERAL")
    assert e.value.field == "id"
    with pytest.raises(ValidationError) as e:
        Need(id="n-1", household_id="hh\u202e1", domain="FOOD", severity=1)
    assert e.value.field == "householdId"
    with pytest.raises(ValidationError) as e:
        Need(id="n-1", household_id="hh-1", domain="FOOD", severity=1, detail="\ud800")
    assert e.value.field == "detail"
    nfd = unicodedata.normalize("NFD", "한글-1")
    assert Household(id=nfd, region_id=nfd, size=1, income_percent=1, urgency="GENERAL").id == "한글-1"
    # ordinary Korean text and ids stay as they are
    assert Need(id="필요-1", household_id="가구-1", domain="FOOD", severity=1, detail="쌀 10kg\n월세").detail
