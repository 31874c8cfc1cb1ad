"""``dolbom token create|list|revoke``: API tokens.

``create`` prints the new token and nothing else on stdout (so
``TOKEN=$(dolbom token create --role coordinator)`` works); the token is
shown this once and stored only as a hash.

``list`` shows every token's id, role, binding and times (in the deployment's
zone, ``DOLBOM_TIMEZONE``), with headers in ``--lang`` (Korean by default), or
writes them as CSV (with a BOM) or XLSX like the reports; never the token itself.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from api.commands.report import emit
from api.commands.staff import add_list_options, check_output, role_word, zone
from api.terminal import DB_HELP, lang_arg
from graph.factory import open_store
from i18n import render
from i18n.clock import show


def create(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import create_token

    with open_store(args.db) as store:
        token = create_token(store, args.role, organization_id=args.org, region_id=args.region,
                             expires_in_days=args.expires_in_days, staff_id=args.staff)
    out.write(token + "\n")
    return 0


def list_(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import list_tokens

    check_output(args)
    lang, tz = args.lang, zone()
    with open_store(args.db) as store:
        tokens = list_tokens(store)
    spreadsheet = args.format != "table"
    never = "" if spreadsheet else render("cli.never", lang)
    none = "" if spreadsheet else "-"
    rows = [(t.id, role_word(t.role, lang), t.organization_id or t.region_id or none, t.staff_id or none,
             show(t.created_at, tz), show(t.expires_at, tz) or never, show(t.revoked_at, tz) or none)
            for t in tokens]
    emit(rows, ("token_id", "role", "bound_to", "staff", "created", "expires", "revoked"), args.format, out,
         None, args, sheet="tokens")
    return 0


def revoke(args: argparse.Namespace, out: TextIO) -> int:
    from service.tokens import revoke_token

    with open_store(args.db) as store:
        info = revoke_token(store, args.id)
    out.write(render("cli.token.revoked", args.lang, id=info.id, role=role_word(info.role, args.lang),
                     at=show(info.revoked_at, zone())) + "\n")
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
    lang_arg(c)
    c.set_defaults(func=create)
    ls = verbs.add_parser("list", help="every token's id, role, binding and state (never the token); times "
                                       "in DOLBOM_TIMEZONE")
    ls.add_argument("--db", help=DB_HELP)
    add_list_options(ls)
    ls.set_defaults(func=list_)
    r = verbs.add_parser("revoke", help="revoke a token by its id (from `dolbom token list`)")
    r.add_argument("id")
    r.add_argument("--db", help=DB_HELP)
    lang_arg(r)
    r.set_defaults(func=revoke)
