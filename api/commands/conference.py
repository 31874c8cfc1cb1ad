"""``dolbom conference list|show``: case conferences, and one conference's
minutes as text (agenda, decisions, approved exceptions, adopted referrals).

Runs as the local operator (a coordinator's view) through
:mod:`service.conference`; showing a conference is a read of the households
on its agenda, noted in the audit trail like the API's reads.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP, date_arg, table
from graph.factory import open_store

KIND_KO = {"REGULAR": "정례 사례회의", "EMERGENCY": "긴급 사례회의", "SOLUTION_COMMITTEE": "솔루션위원회"}
STATUS_KO = {"PLANNED": "예정", "HELD": "개최", "ADOPTED": "채택 완료", "CANCELLED": "취소"}
REASON_KO = {"NOT_ELIGIBLE_INCOME": "소득 기준", "NOT_ELIGIBLE_TRAIT": "가구 특성 기준"}


def list_(args: argparse.Namespace, out: TextIO) -> int:
    from service import conference as svc
    from service.principal import Principal

    with open_store(args.db) as store:
        page = svc.conferences(store, Principal.local(), region_id=args.region, since=args.since,
                               until=args.until, first=100, max_first=100)
    rows = [(c.id, c.date, KIND_KO.get(c.kind, c.kind), c.region_id, STATUS_KO.get(c.status, c.status),
             len(c.household_ids), sum(1 for d in c.decisions.values() if d.adopted_at))
            for c in page.conferences]
    table(rows, ["id", "날짜", "종류", "지역", "상태", "안건 가구", "채택 가구"], out)
    return 0


def show(args: argparse.Namespace, out: TextIO) -> int:
    from service import audit, staff
    from service import conference as svc
    from service.principal import Principal

    p = Principal.local()
    with open_store(args.db) as store:
        c = svc.conference(store, p, args.id)
        audit.record(store, p, "read", "Household", c.households_shown, None, {"conferenceId": c.id})

        def who(sid: str | None) -> str:
            s = staff.get_staff(store, sid) if sid else None
            return f"{s.name} ({sid})" if s else (sid or "-")

        region = store.get("Region", c.region_id)
        names = {r.key: str(getattr(r, "name", r.key)) for r in store.list("Service")}
        out.write(f"# {c.date} {KIND_KO.get(c.kind, c.kind)} — {getattr(region, 'name', c.region_id)}\n")
        out.write(f"회의 {c.id} · 상태: {STATUS_KO.get(c.status, c.status)}\n")
        out.write(f"참석 직원: {', '.join(who(s) for s in c.staff_ids) or '-'}\n")
        orgs = [getattr(store.get("Organization", o), "name", o) for o in c.organization_ids]
        out.write(f"참석 기관: {', '.join(orgs) or '-'}\n\n")
        out.write("## 회의록\n")
        out.write((c.minutes.strip() or "(기록 없음)") + "\n\n")
        out.write("## 안건과 결정\n")
        for hid in c.household_ids:
            d = c.decision(hid)
            out.write(f"- 가구 {hid}: ")
            if d is None:
                out.write("결정 없음\n")
                continue
            state = f"채택 {d.adopted_at}" if d.adopted_at else "채택 전"
            out.write(f"{state}; 사례관리 담당 {who(d.lead_manager_id)}; 다음 점검일 {d.review_on or '-'}\n")
            for i, it in enumerate(d.items):
                rid = svc.referral_id(c.id, hid, i)
                ref = store.get("Referral", rid)
                status = getattr(getattr(ref, "status", None), "value", "미생성")
                out.write(f"  {i + 1}. {names.get(it.resource_id, it.resource_id)} ({it.resource_id}) ← "
                          f"{', '.join(it.need_ids)} · 의뢰 {rid}: {status}\n")
            for x in d.exceptions:
                rule = REASON_KO.get(x.reason, x.reason)
                out.write(f"  예외 승인: {x.resource_id}의 {rule} ({x.reason}) — {x.note} · "
                          f"승인 {who(x.approver_id)}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("conference", help="case conferences: list them, print one's minutes")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    ls = verbs.add_parser("list", help="conferences by date")
    ls.add_argument("--region", help="only conferences in this region's subtree")
    ls.add_argument("--from", dest="since", type=date_arg, help="from this day (YYYY-MM-DD)")
    ls.add_argument("--until", type=date_arg, help="until this day (YYYY-MM-DD), inclusive")
    ls.add_argument("--db", help=DB_HELP)
    ls.set_defaults(func=list_)
    sh = verbs.add_parser("show", help="one conference's minutes as text")
    sh.add_argument("id", help="the conference id")
    sh.add_argument("--db", help=DB_HELP)
    sh.set_defaults(func=show)
