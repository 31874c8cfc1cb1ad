"""The `dolbom` command: demo and stats on the embedded store."""

import io

from api.cli import main


def run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_writes_the_sample_once_and_describes_a_household(tmp_path):
    db = str(tmp_path / "demo.db")
    code, text = run("demo", "--db", db)
    assert code == 0
    assert "Wrote the built-in sample graph" in text
    assert "Household hh-0001 in 매탄1동" in text
    assert "HOUSING" in text and "긴급 주거비 지원" in text
    code, text = run("demo", "--db", db)
    assert code == 0 and "Wrote the built-in" not in text
    code, text = run("stats", "--db", db)
    assert code == 0
    assert "Household" in text and "Service" in text and "8" in text


def test_a_bad_file_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    code, _ = run("stats", "--db", str(bad))
    assert code == 2
    err = capsys.readouterr().err
    assert "dolbom: error:" in err and str(bad) in err and "Traceback" not in err
