"""auditLog's atLocal: the stored UTC time as the offices read it, in DOLBOM_TIMEZONE."""

from __future__ import annotations

from service import audit
from service.principal import Principal, Role
from service.settings import Settings

Q = 'query { auditLog(action: "probe") { edges { node { at atLocal action } } } }'


def test_at_stays_utc_and_at_local_is_in_the_deployments_zone(store, make_gql):
    at = "2025-03-01T15:30:05.123456+00:00"
    store.append_audit(f"{at}/p", audit.entry(Principal(Role.COORDINATOR, token_id="t"), "probe", None, [],
                                              None, at=at))
    gql, _ = make_gql(Settings())
    (edge,) = gql(Q, "coordinator").ok()["auditLog"]["edges"]
    assert edge["node"] == {"at": at, "atLocal": "2025-03-02 00:30:05 KST", "action": "probe"}
    gql, _ = make_gql(Settings(timezone="Europe/Berlin"))
    (edge,) = gql(Q, "coordinator").ok()["auditLog"]["edges"]
    assert edge["node"]["atLocal"] == "2025-03-01 16:30:05 CET" and edge["node"]["at"] == at
