"""The welfare graph: domain model, store protocol and the two backends.

Open the configured store with :func:`graph.factory.open_store`: the embedded
SQLite store (:mod:`graph.embedded`) unless ``NEO4J_URI`` is set and no
database file is named. Bulk loads: :mod:`graph.bulk`.
"""

from .errors import ConflictError, DolbomError, NotFoundError, StoreError, ValidationError
from .model import (
    Agreement,
    Domain,
    Household,
    HouseholdTrait,
    Need,
    NeedStatus,
    Organization,
    Receipt,
    Record,
    Referral,
    ReferralStatus,
    Region,
    RegionLevel,
    Sector,
    Service,
    Urgency,
    Volunteer,
    node_key,
)
from .store import Store, UnitOfWork

__all__ = [
    "Agreement", "ConflictError", "DolbomError", "Domain", "Household", "HouseholdTrait",
    "Need", "NeedStatus", "NotFoundError", "Organization", "Receipt", "Record", "Referral",
    "ReferralStatus", "Region", "RegionLevel", "Sector", "Service", "Store", "StoreError",
    "UnitOfWork", "Urgency", "ValidationError", "Volunteer", "node_key",
]
