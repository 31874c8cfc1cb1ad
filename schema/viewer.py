"""``viewer``: who the caller is, for the pages under ``/app/`` (docs/pages.md).

A page signs in by pasting a token; it then asks ``viewer`` which role the token
has, and whose (region, organization, person), to choose its navigation. Any
caller may ask, a caller without a token learns it is ``anonymous``; a wrong
token never gets here (HTTP 401). Nothing personal about a household is read,
so nothing is audited.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info


@strawberry.type(description="The caller: the role of its token and what the token is bound to.")
class Viewer:
    role: str = strawberry.field(description="coordinator, caseworker, partner or anonymous.")
    region_id: strawberry.ID | None = strawberry.field(description="A case worker's region.")
    organization_id: strawberry.ID | None = strawberry.field(description="A partner's organization.")
    staff_id: strawberry.ID | None = strawberry.field(description="The person the token belongs to, if any.")
    staff_name: str | None
    locale: str = strawberry.field(description="The language this request is answered in (ko or en).")
    timezone: str = strawberry.field(description="The zone times are shown in (DOLBOM_TIMEZONE).")


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the caller is: the role of its token and its region, organization "
                      "or person; for the pages to choose what to show. Anyone may ask.")
    def viewer(self, info: Info) -> Viewer:
        ctx = info.context
        p = ctx.principal

        def _id(v: str | None) -> strawberry.ID | None:
            return strawberry.ID(v) if v else None

        return Viewer(role=p.role.value, region_id=_id(p.region_id), organization_id=_id(p.organization_id),
                      staff_id=_id(p.staff_id), staff_name=p.staff_name, locale=ctx.locale,
                      timezone=ctx.settings.timezone)
