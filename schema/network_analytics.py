"""GraphQL: the organizations' collaboration analytics (issue 23; service.analysis.network_report).

``networkAnalytics(regionId)`` answers what ``dolbom report network`` prints: each
organization's centralities and community, the connected components, the communities and
the resources nobody was referred to. It shows organizations and resources only, no
household's data (so nothing to audit), to whoever may see the region's network. Computed
from the records without a view and kept until a commit (matching.network.analytics_of).
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from matching.network import NetworkAnalytics as Analytics
from service import analysis

from .pool import run_heavy


@strawberry.type(description="An organization's place in the collaboration network: two organizations "
                 "are linked when a household receives, or was referred (not declined) to, services of both.")
class OrganizationCentrality:
    id: strawberry.ID
    name: str
    degree: float = strawberry.field(description="Organizations it shares a household with, over n-1.")
    weighted_degree: float = strawberry.field(description="Households it shares, summed over its links.")
    betweenness: float = strawberry.field(
        description="Normalised betweenness centrality (estimated from 500 sampled sources when "
        "sampledBetweenness).")
    community: int = strawberry.field(description="Index into NetworkAnalytics.communities.")


@strawberry.type(description="The organizations' collaboration analytics of a region (all: no regionId).")
class NetworkAnalytics:
    organizations: list[OrganizationCentrality] = strawberry.field(
        description="By betweenness, then degree (highest first), then id.")
    components: list[list[strawberry.ID]] = strawberry.field(
        description="Organization ids per connected component, largest first.")
    communities: list[list[strawberry.ID]] = strawberry.field(
        description="Organization ids per community (Leiden, modularity), largest first.")
    unreferred: list[strawberry.ID] = strawberry.field(
        description="Active services and volunteers with hours that nobody was ever referred to.")
    sampled_betweenness: bool

    @classmethod
    def of(cls, a: Analytics) -> NetworkAnalytics:
        return cls(
            organizations=[OrganizationCentrality(
                id=strawberry.ID(o.id), name=o.name, degree=o.degree, weighted_degree=o.weighted_degree,
                betweenness=o.betweenness, community=o.community) for o in a.organizations],
            components=[[strawberry.ID(o) for o in c] for c in a.components],
            communities=[[strawberry.ID(o) for o in c] for c in a.communities],
            unreferred=[strawberry.ID(r) for r in a.unreferred],
            sampled_betweenness=a.sampled_betweenness,
        )


@strawberry.type
class NetworkAnalyticsQuery:
    @strawberry.field(description="The organizations' collaboration analytics of a region's network "
                      "(whoever may see the region's network).")
    async def network_analytics(self, info: Info, region_id: strawberry.ID | None = None) -> NetworkAnalytics:
        ctx = info.context
        _, found = await run_heavy(ctx.settings.heavy_workers, analysis.network_report, ctx.store,
                                   ctx.principal, region_id, None, picture=False)
        return NetworkAnalytics.of(found)
