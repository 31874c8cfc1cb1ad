"""The contract's input types, and their translation to model fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from graph import taxonomy

from .enums import Domain, HouseholdTrait, RegionLevel, Sector, SupportForm, Urgency


def _tags(given: list[str] | None) -> list[str]:
    """Tags of an input, each one of the taxonomy in force (BAD_USER_INPUT naming ``tags`` otherwise)."""
    tags = list(given or ())
    taxonomy.active().check("tags", tags)
    return tags


@strawberry.input
class RegionInput:
    id: strawberry.ID
    name: str
    level: RegionLevel
    parent_id: strawberry.ID | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level, "parent_id": self.parent_id}


@strawberry.input
class OrganizationInput:
    id: strawberry.ID
    name: str
    sector: Sector
    region_ids: list[strawberry.ID]

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "sector": self.sector, "region_ids": list(self.region_ids)}


@strawberry.input
class EligibilityInput:
    max_income_percent: int | None = None
    required_traits: list[HouseholdTrait] | None = strawberry.field(default_factory=list)


@strawberry.input
class ServiceInput:
    id: strawberry.ID
    name: str
    provider_id: strawberry.ID
    domains: list[Domain]
    region_ids: list[strawberry.ID]
    eligibility: EligibilityInput | None = None
    capacity: int | None = None
    lead_time_days: int | None = 0
    cost: int | None = 0
    excludes_ids: list[strawberry.ID] | None = strawberry.field(default_factory=list)
    agreement_id: strawberry.ID | None = None
    form: SupportForm | None = strawberry.field(
        default=SupportForm.SERVICE, description="How it helps (지원형태); SERVICE when not given.")
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy (docs/taxonomy.md).")

    def fields(self) -> dict[str, Any]:
        e = self.eligibility
        return {
            "form": self.form or SupportForm.SERVICE, "tags": _tags(self.tags),
            "id": self.id, "name": self.name, "provider_id": self.provider_id, "domains": list(self.domains),
            "region_ids": list(self.region_ids),
            "max_income_percent": e.max_income_percent if e else None,
            "required_traits": list(e.required_traits or ()) if e else (),
            "capacity": self.capacity,
            "lead_time_days": 0 if self.lead_time_days is None else self.lead_time_days,
            "cost": 0 if self.cost is None else self.cost, "excludes_ids": list(self.excludes_ids or ()),
            "agreement_id": self.agreement_id,
        }


@strawberry.input
class AgreementInput:
    id: strawberry.ID
    partner_id: strawberry.ID
    domains: list[Domain]
    signed_on: dt.date
    expires_on: dt.date | None = None
    annual_quota: int | None = None

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "partner_id": self.partner_id, "domains": list(self.domains),
                "signed_on": self.signed_on, "expires_on": self.expires_on, "annual_quota": self.annual_quota}


@strawberry.input
class VolunteerInput:
    id: strawberry.ID
    name: str
    skills: list[Domain]
    region_ids: list[strawberry.ID]
    form: SupportForm | None = strawberry.field(
        default=SupportForm.SERVICE, description="How the volunteer helps; SERVICE when not given.")
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy (docs/taxonomy.md).")
    languages: list[str] | None = strawberry.field(default_factory=list)
    hours_per_week: int

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "skills": list(self.skills),
                "region_ids": list(self.region_ids), "languages": list(self.languages or ()),
                "hours_per_week": self.hours_per_week,
                "form": self.form or SupportForm.SERVICE, "tags": _tags(self.tags)}


@strawberry.input
class HouseholdInput:
    id: strawberry.ID
    region_id: strawberry.ID
    size: int
    income_percent: int
    traits: list[HouseholdTrait] | None = strawberry.field(default_factory=list)
    urgency: Urgency

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "region_id": self.region_id, "size": self.size,
                "income_percent": self.income_percent, "traits": list(self.traits or ()),
                "urgency": self.urgency}


@strawberry.input
class NeedInput:
    id: strawberry.ID
    domain: Domain
    detail: str | None = None
    severity: int
    tags: list[str] | None = strawberry.field(
        default_factory=list, description="Type tags from the taxonomy; none given: derived from the detail.")

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "domain": self.domain, "detail": self.detail, "severity": self.severity,
                "tags": _tags(self.tags)}


@strawberry.input
class ReferralInput:
    id: strawberry.ID
    household_id: strawberry.ID
    resource_id: strawberry.ID = strawberry.field(description="A Service id or a Volunteer id.")
    need_ids: list[strawberry.ID]

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "household_id": self.household_id, "resource_id": self.resource_id,
                "need_ids": list(self.need_ids)}
