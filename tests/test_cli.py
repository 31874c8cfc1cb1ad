"""The `dolbom` command: demo and stats on the embedded store."""

import io

from api.cli import main


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_writes_the_synthetic_province_once_makes_a_token_and_prints_a_query(tmp_path):
    from api.commands.demo import showcase_household
    from graph.embedded import EmbeddedStore
    from service.tokens import authenticate

    db = str(tmp_path / "demo.db")
    code, text = run("demo", "--db", db, "--no-serve", "--port", "8123", "--households", "150")
    assert code == 0
    assert "Wrote a synthetic Gyeonggi province: 150 households" in text
    assert "http://127.0.0.1:8123/graphql" in text and "http://127.0.0.1:8123/network/" in text
    token = text.split("Coordinator token (shown once; stored hashed):\n  ", 1)[1].split("\n", 1)[0]
    with EmbeddedStore(db) as store:
        assert store.counts()["Household"] == 150
        showcase = showcase_household(store)
        assert store.get("Household", showcase).urgency.value == "EMERGENCY"
        assert authenticate(store, f"Bearer {token}").role.value == "coordinator"
        # a case worker token of the showcase household's city, for the pages at /app/
        assert "http://127.0.0.1:8123/app/" in text
        worker = text.split("(sign in at http://127.0.0.1:8123/app/ with it):\n  ", 1)[1].split("\n", 1)[0]
        p = authenticate(store, f"Bearer {worker}")
        assert p.role.value == "caseworker" and p.region_id is not None
        from service.permissions import in_subtree
        assert in_subtree(store, store.get("Household", showcase).region_id, p.region_id)
    assert "matchPackages(householdId: $id" in text and f'"id": "{showcase}"' in text
    code, again = run("demo", "--db", db, "--no-serve")
    assert code == 0 and "Wrote a synthetic" not in again
    assert token not in again  # a new token each run
    code, text = run("stats", "--db", db)
    assert code == 0
    assert "Household" in text and "Service" in text and "8" in text


def test_token_create_prints_only_the_token_and_list_and_revoke_work(tmp_path):
    from graph.embedded import EmbeddedStore
    from loaders.sample import sample_records

    db = str(tmp_path / "t.db")
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
    code, text = run("token", "create", "--role", "partner", "--org", "org-gg-bar", "--db", db)
    assert code == 0 and text.count("\n") == 1 and text.startswith("dlb_")
    code, listing = run("token", "list", "--db", db)
    assert code == 0 and "협력기관" in listing and "org-gg-bar" in listing and text.strip() not in listing
    tid = listing.splitlines()[1].split()[0]
    code, out = run("token", "revoke", tid, "--db", db)
    assert code == 0 and f"토큰 {tid}" in out and "폐기" in out  # "revoked <id>" with --lang en
    code, _ = run("token", "create", "--role", "partner", "--db", db)
    assert code == 2


def test_schema_prints_the_served_sdl():
    from schema.build import schema

    code, text = run("schema")
    assert code == 0 and text.strip() == schema.as_str().strip()
    assert "matchPackages(householdId: ID!" in text


def test_a_bad_file_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    code, _ = run("stats", "--db", str(bad))
    assert code == 2
    err = capsys.readouterr().err
    assert "dolbom: error:" in err and str(bad) in err and "Traceback" not in err


def test_a_command_built_alone_has_every_option_it_has_among_all():
    """``dolbom <command>`` builds only that command's parser (a quicker start); whatever other
    modules add to it (the what-if reports add to ``report``) must be there too."""
    import argparse

    from api.cli import build_parser

    def options(parser: argparse.ArgumentParser, name: str) -> dict[str, object]:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        p = sub.choices[name]
        # choices: a list of values, or (nested commands) a dict of parsers, compared by name
        return {"/".join(a.option_strings) or a.dest: sorted(a.choices) if a.choices is not None else None
                for a in p._actions}

    full = build_parser()
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    assert "report" in sub.choices and len(sub.choices) > 5
    for name in sub.choices:
        alone = build_parser(name)
        assert options(alone, name) == options(full, name), name
