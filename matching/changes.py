"""The hypothetical changes of what-if and the recruitment advisor (see :mod:`matching.whatif`).

Their own module so that :mod:`matching.recruit` can name a change without
importing :mod:`matching.whatif`, which counts cover with the advisor's model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.model import Domain, HouseholdTrait, SupportForm


@dataclass(frozen=True, slots=True)
class Retire:
    service_id: str


@dataclass(frozen=True, slots=True)
class Expire:
    agreement_id: str
    on: dt.date


@dataclass(frozen=True, slots=True)
class Capacity:
    service_id: str
    capacity: int | None


@dataclass(frozen=True, slots=True)
class AddPlaces:
    service_id: str
    places: int = 1


@dataclass(frozen=True, slots=True)
class AddQuota:
    agreement_id: str
    units: int = 1


@dataclass(frozen=True, slots=True)
class Extend:
    service_id: str
    region_id: str


@dataclass(frozen=True, slots=True)
class NewService:
    id: str
    domains: tuple[Domain, ...]
    region_ids: tuple[str, ...]
    capacity: int | None = None
    form: SupportForm = SupportForm.SERVICE
    tags: tuple[str, ...] = ()
    name: str = ""
    provider_id: str = "whatif"
    max_income_percent: int | None = None
    required_traits: tuple[HouseholdTrait, ...] = ()
    lead_time_days: int = 0


@dataclass(frozen=True, slots=True)
class Waive:
    household_id: str
    #: "INCOME" or "TRAITS"
    rule: str
    points: int = 0
    trait: HouseholdTrait | None = None


@dataclass(frozen=True, slots=True)
class Move:
    referral_id: str
    to_id: str


Change = Retire | Expire | Capacity | AddPlaces | AddQuota | Extend | NewService | Waive | Move
