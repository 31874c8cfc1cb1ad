"""The welfare graph: domain model, store protocol and the two backends.

Open a store with :func:`graph.open_store`; it picks Neo4j when ``NEO4J_URI``
is set and the embedded SQLite store otherwise.
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
    "Agreement", "ConflictError", "Domain", "DolbomError", "Household", "HouseholdTrait",
    "Need", "NeedStatus", "NotFoundError", "Organization", "Receipt", "Record", "Referral",
    "ReferralStatus", "Region", "RegionLevel", "Sector", "Service", "Store", "StoreError",
    "UnitOfWork", "Urgency", "ValidationError", "Volunteer", "node_key",
]
