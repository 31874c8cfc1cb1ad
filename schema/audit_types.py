"""GraphQL types of the audit trail, referral history and deadlines (additions to the contract)."""

from __future__ import annotations

import json

import strawberry
from strawberry.types import Info

from i18n.clock import show

from .enums import Urgency


@strawberry.type(description="One entry of the audit trail: who did what to which records, when.")
class AuditEntry:
    at: str = strawberry.field(description="When, as stored: UTC ISO-8601 (sorts and compares as text; "
                               "since/until take any offset).")
    actor: str | None = strawberry.field(description="The short id of the token used (null: anonymous).")
    staff_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person the token belongs to (null: a token of nobody's, the CLI).")
    staff_name: str | None = None
    role: str
    organization_id: strawberry.ID | None
    region_id: strawberry.ID | None
    action: str = strawberry.field(description="The mutation's name, or `read` for household data shown.")
    target_label: str | None
    target_ids: list[strawberry.ID]
    request_id: str | None
    detail: str = strawberry.field(
        description="A JSON object with what else the entry notes (e.g. a status).")

    @strawberry.field(description="`at` as the offices read it, in the deployment's zone (DOLBOM_TIMEZONE, "
                      "default Asia/Seoul), to the second: `2025-03-02 00:30:05 KST`.")
    def at_local(self, info: Info) -> str:
        return show(self.at, info.context.settings.timezone, seconds=True)

    @classmethod
    def of(cls, data: dict) -> AuditEntry:
        return cls(at=data["at"], actor=data.get("actor"), role=data.get("role", ""),
                   staff_id=data.get("staffId"), staff_name=data.get("staffName"),
                   organization_id=data.get("organizationId"), region_id=data.get("regionId"),
                   action=data.get("action", ""), target_label=data.get("targetLabel"),
                   target_ids=[strawberry.ID(t) for t in data.get("targetIds") or ()],
                   request_id=data.get("requestId"),
                   detail=json.dumps(data.get("detail") or {}, ensure_ascii=False, sort_keys=True))


@strawberry.type
class AuditEdge:
    cursor: str
    node: AuditEntry


@strawberry.type
class AuditPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class AuditConnection:
    edges: list[AuditEdge]
    page_info: AuditPageInfo


@strawberry.type(description="One move of a referral along its lifecycle.")
class ReferralMove:
    at: str
    from_status: str | None = strawberry.field(description="null for the referral's creation.")
    to_status: str
    actor: str | None = strawberry.field(description="The token that moved it (hidden from partners).")
    role: str
    staff_name: str | None = strawberry.field(default=None,
                                              description="The person who moved it (hidden from partners).")


@strawberry.type(description="A household whose response deadline has passed with no service started "
                 "(see clock).")
class OverdueHousehold:
    household_id: strawberry.ID
    region_id: strawberry.ID
    urgency: Urgency
    opened_at: str
    due_at: str
    days_late: int
    opened_by: str | None = strawberry.field(description="The token (case worker) that opened the household.")
    opened_by_staff_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person who opened the case (null: the token named nobody).")
    opened_by_name: str | None = None
    case_manager_id: strawberry.ID | None = strawberry.field(default=None,
                                                             description="The lead case manager now.")
    clock: str = strawberry.field(
        default="accepted", description="What started the service by this report: accepted (a referral "
        "ACCEPTED) or delivered (DELIVERED); DOLBOM_DEADLINE_CLOCK.")
