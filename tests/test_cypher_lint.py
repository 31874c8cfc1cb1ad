"""Every Cypher statement of the project, through Neo4j's own linter.

The statements live in graph/cypher.py (``cypher.statements()``: UPPER_CASE
string literals, and the per-label and per-type ones filled from one template
each). They
are sent in one batch to tools/cypher-lint (node + @neo4j-cypher/language-support);
any diagnostic fails the test except "Parameter $x is not defined." (we pass
no parameter declarations: values always travel as parameters).

Without node or the linter package the test is skipped and says why, unless
DOLBOM_REQUIRE_CYPHER_LINT=1 (CI), which makes that a failure.
"""

import ast
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graph import cypher

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "cypher-lint"
UNDECLARED_PARAMETER = re.compile(r"^Parameter \$\w+ is not defined\.$")


def statements() -> dict[str, str]:
    return cypher.statements()


def lint(stmts: dict[str, str]) -> dict[str, list[dict]]:
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not on PATH"
    elif not (TOOL / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        missing = f"the linter is not installed (run `npm ci` in {TOOL.relative_to(ROOT)})"
    if missing:
        if os.environ.get("DOLBOM_REQUIRE_CYPHER_LINT") == "1":
            pytest.fail(f"DOLBOM_REQUIRE_CYPHER_LINT=1 but {missing}")
        pytest.skip(f"Cypher lint skipped: {missing}")
    proc = subprocess.run(
        [node, str(TOOL / "lint.mjs")],
        input=json.dumps({"statements": stmts}),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def report():
    return lint(statements())


def test_the_module_has_statements():
    names = statements()
    assert len(names) >= 20
    assert "NEIGHBOURHOOD" in names and "LOCK_WRITES" in names


def test_every_statement_is_clean(report):
    assert set(report) == set(statements())
    problems = {
        name: [d for d in diags if not UNDECLARED_PARAMETER.match(d["message"])]
        for name, diags in report.items()
    }
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_linter_bites():
    report = lint({
        "SYNTAX": "MATCH (n:Region {id: $id} RETURN n",
        "TYPO": "MATCH (n) RETRUN n",
        "DEPRECATED": "MATCH (n) RETURN id(n)",
        "CLEAN": "MATCH (n:Region {id: $id}) RETURN n",
    })
    real = {k: [d for d in v if not UNDECLARED_PARAMETER.match(d["message"])] for k, v in report.items()}
    assert any(d["severity"] == "error" for d in real["SYNTAX"])
    assert any("RETRUN" in d["message"] for d in real["TYPO"])
    assert any(d["severity"] == "warning" for d in real["DEPRECATED"])
    assert real["CLEAN"] == []
    assert [d["message"] for d in report["CLEAN"]] == ["Parameter $id is not defined."]


def test_statements_are_plain_literals_or_filled_templates():
    """No statement is built from input: every UPPER_CASE or template
    assignment in graph/cypher.py is a string literal (no f-strings, no
    formatting, no concatenation), and the generated ones only fill in the
    names of the model's fixed tables, which must be plain identifiers."""
    tree = ast.parse((ROOT / "graph" / "cypher.py").read_text(encoding="utf-8"))
    for node in tree.body:
        names = [t.id for t in getattr(node, "targets", ()) if isinstance(t, ast.Name)]
        if isinstance(node, ast.Assign) and any(n.isupper() for n in names):
            assert isinstance(node.value, ast.Constant) and isinstance(node.value.value, str), ast.dump(node)
    assert all("<" not in q.replace("<-[", "") for q in cypher.GENERATED.values())  # every placeholder filled
    for bad in ("Region) DETACH DELETE (n", "Need:Admin", "", "1abc"):
        with pytest.raises(ValueError):
            cypher._fill("MATCH (n:<LABEL>) RETURN n", LABEL=bad)


def test_no_cypher_outside_the_cypher_module():
    pattern = re.compile(r"\b(MATCH|MERGE|DETACH DELETE|UNWIND)\s*[\(\$]")
    offenders = [
        str(p.relative_to(ROOT))
        for d in ("graph", "schema", "matching", "loaders", "api")
        for p in (ROOT / d).rglob("*.py")
        if p.name != "cypher.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
