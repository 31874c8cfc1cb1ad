"""dolbom import-hsds and export-hsds from the command line."""

from __future__ import annotations

import io
import json

from api.cli import main
from graph.embedded import EmbeddedStore

from .conftest import OVERRIDE, SAMPLE, regions


def _db(tmp_path) -> str:
    db = str(tmp_path / "cli.db")
    with EmbeddedStore(db) as s:
        s.put(*regions())
    return db


def test_import_prints_the_report(tmp_path):
    db, out = _db(tmp_path), io.StringIO()
    assert main(["import-hsds", str(SAMPLE), "--db", db], out) == 0
    text = out.getvalue()
    assert "imported:      Organization 5, Service 5" in text
    assert "service_no_domain: 1" in text and "00000002-0000-4000-8000-000000000005" in text
    with EmbeddedStore(db) as s:
        assert s.counts()["Service"] == 5


def test_import_json_strict_mapping_and_parent(tmp_path):
    db, out = _db(tmp_path), io.StringIO()
    code = main(["import-hsds", str(SAMPLE), "--db", db, "--json", "--strict", "--mapping", str(OVERRIDE),
                 "--region-parent", "gg"], out)
    report = json.loads(out.getvalue())
    assert code == 1  # strict: something is still unmapped (an age rule, a USD price...)
    assert report["imported"] == {"Region": 1, "Organization": 5, "Service": 7}
    assert report["unmapped_by_kind"]["age_rule"] == 1
    assert "service_no_region" not in report["unmapped_by_kind"]  # 부산광역시 was created under gg


def test_dry_run(tmp_path):
    db = _db(tmp_path)
    assert main(["import-hsds", str(SAMPLE), "--db", db, "--dry-run"], io.StringIO()) == 0
    with EmbeddedStore(db) as s:
        assert s.counts()["Service"] == 0


def test_errors_exit_2_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "s", "name": "x", "status": "open"}]')
    db = _db(tmp_path)
    assert main(["import-hsds", str(bad), "--db", db], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "status" in err and "Traceback" not in err
    assert main(["import-hsds", str(SAMPLE), "--db", db, "--region-parent", "nope"], io.StringIO()) == 2
    assert "--region-parent" in capsys.readouterr().err


def test_export_writes_json_and_csv(tmp_path):
    db = _db(tmp_path)
    main(["import-hsds", str(SAMPLE), "--db", db], io.StringIO())
    out = io.StringIO()
    assert main(["export-hsds", str(tmp_path / "x"), "--db", db], out) == 0
    assert "services.json: 5" in out.getvalue()
    assert len(json.loads((tmp_path / "x" / "services.json").read_text(encoding="utf-8"))) == 5
    assert (tmp_path / "x" / "csv" / "datapackage.json").is_file()
    assert main(["export-hsds", str(tmp_path / "y"), "--db", db, "--no-csv"], io.StringIO()) == 0
    assert not (tmp_path / "y" / "csv").exists()
