"""``dolbom token create|list|revoke``: API tokens.

``create`` prints the new token and nothing else on stdout (so
``TOKEN=$(dolbom token create --role coordinator)`` works); the token is
shown this once and stored only as a hash.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api.terminal import DB_HELP
from graph.factory import open_store


def create(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import create_token

    with open_store(args.db) as store:
        token = create_token(store, args.role, organization_id=args.org, region_id=args.region,
                             expires_in_days=args.expires_in_days, staff_id=args.staff)
    out.write(token + "\n")
    return 0


def list_(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import list_tokens

    with open_store(args.db) as store:
        tokens = list_tokens(store)
    out.write(f"{'id':<12}  {'role':<11}  {'bound to':<24}  {'staff':<16}  {'created':<25}  {'expires':<25}  "
              "revoked\n")
    for t in tokens:
        bound = t.organization_id or t.region_id or "-"
        out.write(f"{t.id:<12}  {t.role.value:<11}  {bound:<24}  {t.staff_id or '-':<16}  "
                  f"{t.created_at:<25}  {t.expires_at or 'never':<25}  {t.revoked_at or '-'}\n")
    return 0


def revoke(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import revoke_token

    with open_store(args.db) as store:
        info = revoke_token(store, args.id)
    out.write(f"revoked {info.id} ({info.role.value}) at {info.revoked_at}\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:

    p = sub.add_parser("token", help="create, list or revoke API tokens")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    c = verbs.add_parser("create", help="make a token and print it (only the hash is stored)")
    c.add_argument("--role", choices=["coordinator", "caseworker", "partner"],
                   help="required unless --staff is given (then it must be the staff member's)")
    c.add_argument("--staff", help="the staff member the token belongs to (`dolbom staff list`): the "
                                   "token takes their role, organization and region and stops when "
                                   "they are disabled")
    c.add_argument("--org", help="the partner's organization id (partners only)")
    c.add_argument("--region", help="the case worker's region id (case workers only)")
    c.add_argument("--expires-in-days", type=int, help="expire after this many days (default: never)")
    c.add_argument("--db", help=DB_HELP)
    c.set_defaults(func=create)
    ls = verbs.add_parser("list", help="every token's id, role, binding and state (never the token)")
    ls.add_argument("--db", help=DB_HELP)
    ls.set_defaults(func=list_)
    r = verbs.add_parser("revoke", help="revoke a token by its id (from `dolbom token list`)")
    r.add_argument("id")
    r.add_argument("--db", help=DB_HELP)
    r.set_defaults(func=revoke)
