"""The deployment files say what README promises: `docker compose up` serves the
API on a published port over Neo4j, writes no synthetic data, and needs a password.

No Docker engine runs here, so these tests read docker-compose.yml and the
Dockerfile; tests/neo4j runs the app's exact `dolbom serve` line against a real
Neo4j."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def app_command(compose: dict[str, Any]) -> list[str]:
    cmd = compose["services"]["app"]["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def test_the_app_serves_on_all_interfaces_on_the_published_port(compose):
    cmd = app_command(compose)
    assert cmd[:2] == ["dolbom", "serve"], cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    port = cmd[cmd.index("--port") + 1]
    published = [str(p) for p in compose["services"]["app"]["ports"]]
    assert any(p.split(":")[-1] == port for p in published), (port, published)


def test_the_app_writes_no_synthetic_data_and_no_token(compose):
    text = " ".join(app_command(compose))
    assert not re.search(r"\b(demo|generate|load|token)\b", text), text
    demo = compose["services"]["demo"]
    assert demo.get("profiles") == ["demo"]  # the demo province only when asked for
    assert "generate" in " ".join(demo["command"])


def test_the_app_waits_for_a_healthy_neo4j_and_is_checked_itself(compose):
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert neo4j["healthcheck"]["test"] and any(v.endswith(":/data") for v in neo4j["volumes"])
    app = compose["services"]["app"]
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(app["healthcheck"]["test"])
    env = app["environment"]
    assert env["NEO4J_URI"] == "bolt://neo4j:7687" and env["NEO4J_DATABASE"]


def test_the_password_comes_from_the_environment_with_no_default(compose):
    for service in ("neo4j", "app", "demo"):
        env = compose["services"][service]["environment"]
        secret = env.get("NEO4J_AUTH") or env["NEO4J_PASSWORD"]
        assert "${NEO4J_PASSWORD:?" in secret, (service, secret)


def test_the_image_holds_every_package_and_serves_by_default():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, flags=re.M))
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    include = setuptools["packages"]["find"]["include"]
    assert copied == {p.rstrip("*") for p in include}
    cmd = re.search(r"^CMD (.+)$", dockerfile, flags=re.M)
    assert cmd is not None and '"serve"' in cmd.group(1) and '"demo"' not in cmd.group(1)


def test_every_data_file_of_a_shipped_package_is_in_the_wheel():
    """A data file the code reads at run time (the taxonomy, the care policy, the
    templates, the network page) must be listed in package-data, or an installed
    Dolbom breaks where a checkout works."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = setuptools["package-data"]
    missing = []
    for pkg in (p.rstrip("*") for p in setuptools["packages"]["find"]["include"]):
        for f in (ROOT / pkg).rglob("*"):
            if not f.is_file() or f.suffix in (".py", ".pyc") or "__pycache__" in f.parts:
                continue
            rel = f.relative_to(ROOT / pkg)
            if not any(rel.match(pattern) for pattern in data.get(pkg, ())):
                missing.append(str(f.relative_to(ROOT)))
    assert missing == []
