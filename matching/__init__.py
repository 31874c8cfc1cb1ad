"""Matching: coordinated service packages over a networkx view (pure, no I/O).

The entry point is :func:`match`; see :mod:`matching.packages` for the steps,
:mod:`matching.policy` for the cost, :mod:`matching.flags` for the flags.
For many households and coordinators: :func:`allocate` (a capacity-aware plan),
:func:`coverage`, :func:`overlaps`, :func:`network` and :func:`analytics`.
"""

from .allocation import AllocationResult, Assignment, Unmet, UnmetReason, allocate, first_come
from .coverage import CoverageCell, coverage
from .messages import Message, render
from .network import NetworkAnalytics, NetworkEdge, NetworkGraph, NetworkNode, analytics, network
from .overlaps import OverlapGroup, overlaps
from .packages import compose, match
from .policy import DEFAULT_POLICY, Policy
from .results import Flag, FlagKind, MatchResult, MissingReason, Package, PackageItem

__all__ = [
    "DEFAULT_POLICY", "AllocationResult", "Assignment", "CoverageCell", "Flag", "FlagKind", "MatchResult",
    "Message", "MissingReason", "NetworkAnalytics", "NetworkEdge", "NetworkGraph", "NetworkNode",
    "OverlapGroup", "Package", "PackageItem", "Policy", "Unmet", "UnmetReason", "allocate", "analytics",
    "compose", "coverage", "first_come", "match", "network", "overlaps", "render",
]
