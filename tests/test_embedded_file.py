"""The embedded store's file: what it refuses to open, and what two stores open
on one file see of each other's writes."""

from __future__ import annotations

import os
import random
import re
import sqlite3

import pytest

from graph.embedded import SCHEMA_VERSION, EmbeddedStore
from graph.errors import NotFoundError, StoreError
from graph.model import Household, Need, Receipt, Service, node_key, receipt_key
from loaders.sample import sample_records

# --------------------------------------------------------------------------
# files it must refuse, with a message that names the file


def _refuses(path) -> StoreError:
    with pytest.raises(StoreError) as info:
        EmbeddedStore(path)
    err = info.value
    assert os.fspath(path) in str(err), f"the message should name the file: {err}"
    assert err.code == "INTERNAL" and err.field is None
    return err


def _set_schema_version(path, version: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.close()


def _query(path, sql: str, *params) -> list[tuple]:
    """The rows of one query on the file, outside any store."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_an_unknown_schema_version_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "future.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
    _set_schema_version(db, str(SCHEMA_VERSION + 1))

    err = _refuses(db)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(err)
    assert f"reads version {SCHEMA_VERSION}" in str(err)

    conn = sqlite3.connect(db)
    try:  # the refused file is not migrated or emptied
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION + 1
        )
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(sample_records())
    finally:
        conn.close()
    # put back, it opens again with everything in it
    _set_schema_version(db, str(SCHEMA_VERSION))
    with EmbeddedStore(db) as store:
        assert store.counts()["Household"] == 3


def test_a_missing_schema_version_is_refused(tmp_path):
    db = tmp_path / "noversion.db"
    EmbeddedStore(db).close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
    conn.close()
    assert "schema version None" in str(_refuses(db))


def test_random_bytes_are_refused_and_not_overwritten(tmp_path):
    junk = tmp_path / "junk.db"
    data = random.Random(7).randbytes(16384)
    junk.write_bytes(data)
    err = _refuses(junk)
    assert "not a SQLite file" in str(err)
    assert junk.read_bytes() == data


def _foreign(path, ddl: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(ddl)
        conn.execute("INSERT INTO " + ddl.split()[2] + " VALUES ('a', 'b')")
    conn.close()


def test_another_applications_sqlite_file_is_refused(tmp_path):
    other = tmp_path / "crm.db"
    _foreign(other, "CREATE TABLE customers (name TEXT, phone TEXT)")
    err = _refuses(other)
    assert "not a Dolbom database" in str(err)
    conn = sqlite3.connect(other)
    try:  # nothing of ours was written into it
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"customers"}
        assert conn.execute("SELECT * FROM customers").fetchall() == [("a", "b")]
    finally:
        conn.close()


def test_a_sqlite_file_whose_meta_table_is_someone_elses_is_refused(tmp_path):
    other = tmp_path / "meta.db"
    _foreign(other, "CREATE TABLE meta (key TEXT, value TEXT)")
    assert "not a Dolbom database" in str(_refuses(other))


def test_a_foreign_meta_table_of_another_shape_is_a_store_error(tmp_path):
    other = tmp_path / "meta2.db"
    _foreign(other, "CREATE TABLE meta (name TEXT, v TEXT)")
    _refuses(other)


def test_a_refused_foreign_file_keeps_its_journal_mode(tmp_path):
    other = tmp_path / "crm.db"
    _foreign(other, "CREATE TABLE customers (name TEXT, phone TEXT)")
    _refuses(other)
    conn = sqlite3.connect(other)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_a_damaged_dolbom_file_is_a_store_error(tmp_path):
    db = tmp_path / "damaged.db"
    with EmbeddedStore(db) as store:
        store.put(*sample_records())
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 2 * page
    data[page:] = b"\xff" * (len(data) - page)  # every page but the schema page
    db.write_bytes(bytes(data))
    _refuses(db)


# --------------------------------------------------------------------------
# two stores on one file (as two server worker processes would have)


def _view(g):
    """A view as plain data, to compare views from two stores."""
    nodes = {n: dict(d) for n, d in g.nodes(data=True)}
    edges = sorted((u, v, k) for u, v, k in g.edges(keys=True))
    return nodes, edges


def _same(a: EmbeddedStore, b: EmbeddedStore) -> None:
    assert a.counts() == b.counts()
    assert _view(a.graph()) == _view(b.graph())


def test_two_stores_on_one_file_see_each_others_writes(tmp_path):
    db = tmp_path / "shared.db"
    a, b = EmbeddedStore(db), EmbeddedStore(db)
    try:
        assert b.counts()["Household"] == 0
        a.put(*sample_records())
        _same(a, b)
        assert b.get("Household", "hh-0001") == a.get("Household", "hh-0001") is not None
        assert [h.id for h in b.list("Household")] == ["hh-0001", "hh-0002", "hh-0003"]
        assert _view(b.neighbourhood("hh-0001")) == _view(a.neighbourhood("hh-0001"))
        before = b.counts()

        # a new household with a need and a receipt, written through a
        a.put(
            Household(id="hh-0100", region_id="gg-suwon-jowon", size=2, income_percent=30),
            Need(id="need-0100-food", household_id="hh-0100", domain="FOOD", severity=2),
            Receipt(household_id="hh-0100", service_id="svc-diocese-food"),
        )
        assert b.get("Need", "need-0100-food").household_id == "hh-0100"
        assert [h.id for h in b.list("Household", after="hh-0003")] == ["hh-0100"]
        assert [r.service_id for r in b.receipts("hh-0100")] == ["svc-diocese-food"]
        g = b.neighbourhood("hh-0100")
        assert g.has_edge("Household:hh-0100", "Need:need-0100-food", "HAS_NEED")
        assert g.has_edge("Household:hh-0100", "Service:svc-diocese-food", "RECEIVES")
        counts = b.counts()
        assert (counts["Household"], counts["Need"], counts["Receipt"]) == (
            before["Household"] + 1, before["Need"] + 1, before["Receipt"] + 1,
        )

        # an update: a retired service leaves b's neighbourhood of hh-0001
        jobs = a.get("Service", "svc-suwon-jobs")
        assert "Service:svc-suwon-jobs" in b.neighbourhood("hh-0001")
        a.put(jobs.replace(active=False))
        assert b.get("Service", "svc-suwon-jobs").active is False
        assert "Service:svc-suwon-jobs" not in b.neighbourhood("hh-0001")

        # deletions: a volunteer, a receipt (an edge), then a household with everything it owns
        a.delete("Volunteer", "vol-kim")
        assert b.get("Volunteer", "vol-kim") is None
        assert [v.id for v in b.list("Volunteer")] == ["vol-park"]
        assert "Volunteer:vol-kim" not in b.neighbourhood("hh-0001")

        a.delete("Receipt", receipt_key("hh-0100", "svc-diocese-food"))
        assert b.receipts("hh-0100") == []
        assert not b.neighbourhood("hh-0100").has_edge("Household:hh-0100", "Service:svc-diocese-food")

        a.delete("Household", "hh-0001")
        assert b.get("Household", "hh-0001") is None
        assert b.get("Need", "need-0001-rent") is None
        assert b.get("Referral", "ref-0001") is None
        assert b.receipts("hh-0001") == []
        assert "hh-0001" not in [h.id for h in b.list("Household")]
        assert not [n for n in b.list("Need") if n.household_id == "hh-0001"]
        with pytest.raises(NotFoundError):
            b.neighbourhood("hh-0001")
        assert node_key("Household", "hh-0001") not in b.graph()
        assert b.counts()["Referral"] == 0
        _same(a, b)

        # deleted and written again, and written then deleted, between two looks of b
        b.counts()
        a.delete("Household", "hh-0100")
        a.put(Household(id="hh-0100", region_id="gg-seongnam-taepyeong", size=5, income_percent=90))
        a.put(Household(id="hh-0200", region_id="gg-suwon-jowon", size=1, income_percent=10))
        a.delete("Household", "hh-0200")
        assert b.get("Household", "hh-0100").size == 5
        assert b.get("Need", "need-0100-food") is None
        assert "Region:gg-seongnam-taepyeong" in b.neighbourhood("hh-0100")
        assert b.get("Household", "hh-0200") is None
        with pytest.raises(NotFoundError):
            b.neighbourhood("hh-0200")

        # and the other way round, in one unit of work
        with b.unit_of_work() as uow:
            uow.put(Service(id="svc-new", name="새 서비스", provider_id="org-seongnam-city",
                            domains=["HOUSING"], region_ids=["gg-seongnam"]))
            uow.put(Receipt(household_id="hh-0100", service_id="svc-new"))
        assert a.get("Service", "svc-new") is not None
        assert [r.service_id for r in a.receipts("hh-0100")] == ["svc-new"]
        assert "Service:svc-new" in a.neighbourhood("hh-0002")
        _same(a, b)

        # a third store replaying the file from scratch holds what the two hold
        with EmbeddedStore(db) as c:
            _same(a, c)
    finally:
        a.close()
        b.close()


def test_a_view_handed_out_is_a_copy_that_later_writes_do_not_change(tmp_path):
    db = tmp_path / "copy.db"
    with EmbeddedStore(db) as a, EmbeddedStore(db) as b:
        a.put(*sample_records())
        view = b.neighbourhood("hh-0002")
        n = view.number_of_nodes()
        a.delete("Volunteer", "vol-park")
        assert "Volunteer:vol-park" in view and view.number_of_nodes() == n
        assert "Volunteer:vol-park" not in b.neighbourhood("hh-0002")


def _as_objects(db) -> None:
    """Rewrite a file's rows the way versions 1 and 2 stored them: one JSON object per record."""
    import json

    from graph.embedded.rows import decode

    conn = sqlite3.connect(db)
    with conn:
        rows = conn.execute("SELECT label, key, data FROM records").fetchall()
        conn.executemany("UPDATE records SET data = ? WHERE label = ? AND key = ?",
                         [(json.dumps(decode(label, key, data).to_dict(), ensure_ascii=False), label, key)
                          for label, key, data in rows])
        conn.execute("DELETE FROM meta WHERE key LIKE 'fields:%'")
    conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_is_migrated_in_place_keeping_its_records(tmp_path, version):
    """Version 1 had no side-record table; versions 1 and 2 stored each record
    as an object. Opening one brings it to today's version and every record
    reads back the same."""
    db = tmp_path / f"v{version}.db"
    with EmbeddedStore(db) as s:
        s.put(*sample_records())
        counts = s.counts()
        before = {label: s.list(label) for label in counts}
    _as_objects(db)
    if version == 1:
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("DROP TABLE side")
        conn.close()
    _set_schema_version(db, str(version))
    with EmbeddedStore(db) as s:
        assert s.counts() == counts
        assert {label: s.list(label) for label in counts} == before
        s.put_side("token", "k", {"role": "coordinator"})
        assert s.get_side("token", "k") == {"role": "coordinator"}
    assert _query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert all(data.startswith("[") for (data,) in _query(db, "SELECT data FROM records"))


def test_rows_stored_in_another_field_order_are_rewritten_in_todays(tmp_path):
    """A file notes each kind's field order; after a model change (here: the
    order noted differs) its rows are rewritten when the file is opened."""
    import json

    from graph.embedded import FIELDS

    db = tmp_path / "order.db"
    with EmbeddedStore(db) as s:
        s.put(*sample_records())
        households = s.list("Household")
    assert households
    old = tuple(reversed(FIELDS["Household"]))
    conn = sqlite3.connect(db)
    with conn:
        rows = conn.execute("SELECT key, data FROM records WHERE label = 'Household'").fetchall()
        conn.executemany("UPDATE records SET data = ? WHERE label = 'Household' AND key = ?",
                         [(json.dumps(list(reversed(json.loads(data)))), key) for key, data in rows])
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fields:Household'", (json.dumps(old),))
    conn.close()
    with EmbeddedStore(db) as s:
        assert s.list("Household") == households
    (noted,), = _query(db, "SELECT value FROM meta WHERE key = 'fields:Household'")
    assert tuple(json.loads(noted)) == FIELDS["Household"]


def test_the_stored_json_is_exactly_the_values_of_to_dict_for_every_kind():
    """encode builds the row without to_dict (bulk loads call it per row); it
    must give the same text, or a reload would rewrite unchanged rows."""
    import json

    from graph.embedded.rows import KEY_FIELDS, encode
    from graph.model import RECORD_TYPES
    from loaders.synthetic import generate

    seen = set()
    for rec in generate(150, seed=4):
        values = [v for k, v in rec.to_dict().items() if k not in KEY_FIELDS[rec.LABEL]]
        assert encode(rec) == json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        seen.add(rec.LABEL)
    assert seen == set(RECORD_TYPES)


def _plain(value):
    """A field value as a loader that checked it itself holds it: enums by their names."""
    import enum

    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.value if isinstance(value, enum.Enum) else value


def _edge_records() -> list:
    """Records with the values an encoder can get wrong: empty fields, false, dates, quotes, escapes."""
    import datetime as dt

    recs = sample_records()
    service = next(r for r in recs if r.LABEL == "Service")
    agreement = next(r for r in recs if r.LABEL == "Agreement")
    need = next(r for r in recs if r.LABEL == "Need")
    household = next(r for r in recs if r.LABEL == "Household")
    return [
        service.replace(capacity=None, max_income_percent=None, active=False, agreement_id=None),
        service.replace(capacity=0, active=True, name='"따옴표" \\ 와 \\n, 탭\t'),
        agreement.replace(expires_on=None),
        agreement.replace(expires_on=dt.date(2030, 2, 28)),
        need.replace(detail=None),
        need.replace(detail='줄\n바꿈 "말" \\ \u2028 \U0001f600'),
        household.replace(traits=()),
    ]


def test_the_row_encoder_gives_what_encode_gives_for_every_kind():
    """row_encoder (the loaders' way in, from checked field values) and encode
    (a record's, through json) are two ways to one text, whatever the order
    the encoder is given the fields in."""
    import dataclasses

    from graph.embedded.rows import encode, row_encoder
    from graph.model import RECORD_TYPES
    from loaders.synthetic import generate

    seen = set()
    for rec in [*generate(150, seed=4), *sample_records(), *_edge_records()]:
        names = [f.name for f in dataclasses.fields(rec)]
        random.Random(rec.key).shuffle(names)
        encoder = row_encoder(rec.LABEL, names)
        assert encoder(*(_plain(getattr(rec, n)) for n in names)) == encode(rec), rec
        seen.add(rec.LABEL)
    assert seen == set(RECORD_TYPES)


def test_the_row_encoder_refuses_fields_that_are_not_the_records_and_numbers_that_are_text():
    import dataclasses

    from graph.embedded.rows import encode, row_encoder

    household = next(r for r in sample_records() if r.LABEL == "Household")
    names = [f.name for f in dataclasses.fields(household)]
    with pytest.raises(ValueError, match=f"missing {names[-1]}, unknown none"):
        row_encoder("Household", names[:-1])
    with pytest.raises(ValueError, match="missing none, unknown phone"):
        row_encoder("Household", [*names, "phone"])
    encoder = row_encoder("Household", names)
    values = {n: _plain(getattr(household, n)) for n in names}
    assert encoder(*values.values()) == encode(household)
    with pytest.raises(ValueError):  # a number given as its text is not taken for one
        encoder(*{**values, "size": str(household.size)}.values())


def test_a_file_with_a_field_this_model_does_not_know_is_refused_untouched(tmp_path):
    """Written by a newer Dolbom (a field more): refused, not stripped of it."""
    import json

    from graph.embedded import FIELDS

    db = tmp_path / "newer.db"
    with EmbeddedStore(db) as s:
        s.put(*sample_records())
    newer = json.dumps([*FIELDS["Household"], "phone"])
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fields:Household'", (newer,))
        before = conn.execute("SELECT key, data FROM records WHERE label = 'Household'").fetchall()
    conn.close()
    with pytest.raises(StoreError, match="Household fields this Dolbom does not know \\(phone\\)"):
        EmbeddedStore(db)
    assert _query(db, "SELECT key, data FROM records WHERE label = 'Household'") == before
    assert _query(db, "SELECT value FROM meta WHERE key = 'fields:Household'") == [(newer,)]


def test_an_old_row_the_model_now_rejects_names_itself_and_changes_nothing(tmp_path):
    import json

    db = tmp_path / "v2.db"
    with EmbeddedStore(db) as s:
        s.put(*sample_records())
        key = s.list("Household")[0].id
    _as_objects(db)
    conn = sqlite3.connect(db)
    with conn:
        data = json.loads(conn.execute("SELECT data FROM records WHERE label = 'Household' AND key = ?",
                                       (key,)).fetchone()[0])
        data["size"] = 0
        conn.execute("UPDATE records SET data = ? WHERE label = 'Household' AND key = ?",
                     (json.dumps(data), key))
    conn.close()
    _set_schema_version(db, "2")
    with pytest.raises(StoreError, match=f"cannot bring the stored Household '{key}' up to date: .*size"):
        EmbeddedStore(db)
    assert _query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]


# --------------------------------------------------------------------------
# the package: imports one way, the bulk load through the store's own interface


def _imports(path) -> set[str]:
    """The project modules a file imports, anywhere in it (inside functions too), as dotted names."""
    import ast
    from pathlib import Path

    import graph

    root = Path(graph.__file__).resolve().parent.parent
    module = ".".join(Path(path).resolve().relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    package = module if str(path).endswith("__init__.py") else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = ".".join(p for p in (base, node.module) if p)
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_the_embedded_package_imports_one_way_and_graph_bulk_not_at_all():
    from pathlib import Path

    import graph.embedded

    folder = Path(graph.embedded.__file__).parent
    # each may import only those before it
    order = ["rows", "auditlog", "tables", "bulk", "homes_kept", "memory", "store"]
    for i, name in enumerate(order):
        inside = {m.split(".")[2] for m in _imports(folder / f"{name}.py")
                  if m.startswith("graph.embedded.") and m.count(".") >= 2}
        assert inside <= set(order[:i]), (name, inside)
    assert not {m for m in _imports(folder.parent / "bulk.py") if m.startswith("graph.embedded")}


def test_the_bulk_load_touches_no_private_part_of_the_store(tmp_path):
    """graph.embedded.bulk reaches the store through begin_write and the turn it gives, not their insides."""
    import ast
    from pathlib import Path

    import graph.embedded.bulk as bulk

    with EmbeddedStore(tmp_path / "p.db") as store:
        turn = store.begin_write()
        try:
            insides = {n for obj in (store, turn) for n in (*vars(obj), *dir(type(obj)))
                       if n.startswith("_") and not n.startswith("__")}
        finally:
            turn.close()
    assert {"_records", "_wconn", "_wlock", "_sync", "_store"} <= insides
    tree = ast.parse(Path(bulk.__file__).read_text(encoding="utf-8"))
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")}
    assert not used & insides, sorted(used & insides)


def test_the_loaders_do_not_write_the_stored_row_format():
    """The layout of a stored row is graph.embedded.rows' alone: no loader encodes JSON rows itself."""
    from pathlib import Path

    import loaders

    for path in Path(loaders.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        # rows.FIELDS (the stored column order) by name; a loader's own *_FIELDS names are its business
        assert not re.search(r"\bFIELDS\b", text) and "encode_basestring" not in text, path.name
        assert not {m for m in _imports(path) if m.startswith("graph.embedded.rows")}, path.name
