"""Plain-text description of a household's neighbourhood, for ``dolbom demo``."""

from __future__ import annotations

from typing import TextIO

import networkx as nx


def _of(g: nx.MultiDiGraph, label: str) -> list[dict]:
    return [d for _, d in sorted(g.nodes(data=True)) if d["label"] == label]


def describe_neighbourhood(g: nx.MultiDiGraph, household_id: str, out: TextIO) -> None:
    """Write the household, its needs, and the resources in reach for each need's domain."""
    hh = g.nodes[f"Household:{household_id}"]
    region = next(d for _, d in sorted(g.nodes(data=True)) if d["label"] == "Region" and d["level"].value == "DONG")
    traits = ", ".join(t.value for t in hh["traits"]) or "none"
    out.write(
        f"Household {household_id} in {region['name']}: {hh['size']} people, income "
        f"{hh['income_percent']}% of median, traits {traits}, urgency {hh['urgency'].value}\n"
    )
    received = {v for _, v, k in g.out_edges(f"Household:{household_id}", keys=True) if k == "RECEIVES"}
    if received:
        names = ", ".join(g.nodes[s]["name"] for s in sorted(received))
        out.write(f"Already receives: {names}\n")
    services = _of(g, "Service")
    volunteers = _of(g, "Volunteer")
    out.write(
        f"Neighbourhood view: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
        f"({len(services)} active services, {len(volunteers)} volunteers in reach)\n\n"
    )
    for need in _of(g, "Need"):
        domain = need["domain"]
        names = [s["name"] for s in services if domain in s["domains"]]
        names += [f"{v['name']} (volunteer)" for v in volunteers if domain in v["skills"]]
        detail = f" — {need['detail']}" if need["detail"] else ""
        out.write(f"  {domain.value:<13} severity {need['severity']}{detail}\n")
        out.write(f"      in reach: {', '.join(names) if names else 'nothing in the region (a blind spot)'}\n")
