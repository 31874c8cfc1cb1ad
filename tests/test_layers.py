"""The layers point one way and no project modules import each other in a circle.

    api  ->  schema  ->  service  ->  matching, loaders  ->  graph  ->  i18n

Every import of the shipped packages is read from the source (imports inside
functions and under ``TYPE_CHECKING`` included), so a lazy import cannot hide
an upward arrow or a cycle. ``docs/architecture.md`` explains the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: each package's layer: a module may import only packages of a lower layer (and its own package)
#: i18n (the message catalogue, particles, locale, time zone) sits below graph: every layer may use it
LAYERS = {"i18n": -1, "graph": 0, "matching": 1, "loaders": 1, "service": 2, "schema": 3, "api": 4}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in LAYERS:
        for path in sorted((root / pkg).rglob("*.py")):
            out[module_name(path, root)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in its file."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                stem = ".".join([*base, *([node.module] if node.module else [])])
            else:
                stem = node.module or ""
            targets = []
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{stem}.{alias.name}"
                targets.append(sub if sub in known else stem)
        else:
            continue
        for t in targets:
            while t and t not in known:  # `import a.b.c` of a name inside a module: the module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    mods = project_modules(root)
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        for target in imports_of(name, path, set(mods)):
            g.add_edge(name, target)
    return g


def upward(g: nx.DiGraph) -> list[str]:
    bad = []
    for a, b in g.edges:
        pa, pb = a.split(".")[0], b.split(".")[0]
        if pa != pb and LAYERS[pb] >= LAYERS[pa]:
            bad.append(f"{a} -> {b}")
    return sorted(bad)


def cycles(g: nx.DiGraph) -> list[list[str]]:
    # a package's __init__ re-exporting its own modules is not a cycle with them
    h = nx.DiGraph((a, b) for a, b in g.edges if not b.startswith(a + "."))
    return [sorted(c) for c in nx.strongly_connected_components(h) if len(c) > 1]


def test_every_import_points_down_a_layer() -> None:
    g = import_graph()
    assert g.number_of_edges() > 50, "the import reader found too few imports: it is broken"
    assert upward(g) == []


def test_no_import_cycles_among_project_modules() -> None:
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("files, want_up, want_cycle", [
    ({"graph/a.py": "import networkx\n", "service/b.py": "from graph.a import x\n"}, [], []),
    ({"graph/a.py": "def f():\n    from service import b\n", "service/b.py": "import graph.a\n"},
     ["graph.a -> service.b"], [["graph.a", "service.b"]]),
    ({"schema/a.py": "from . import b\n", "schema/b.py": "from .a import x\n"},
     [], [["schema.a", "schema.b"]]),
    ({"loaders/a.py": "from matching.b import y\n", "matching/b.py": ""}, ["loaders.a -> matching.b"], []),
])
def test_the_checks_catch_what_they_should(tmp_path: Path, files: dict[str, str], want_up: list[str],
                                           want_cycle: list[list[str]]) -> None:
    """The reader itself: an upward import inside a function and a relative cycle are seen."""
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.parent / "__init__.py").touch()
        p.write_text(text)
    g = import_graph(tmp_path)
    assert upward(g) == want_up
    assert cycles(g) == want_cycle
