"""``dolbom serve`` as docker-compose.yml's app service runs it, on loopback.

The command line is read from the compose file; only ``--host`` becomes
127.0.0.1 and ``--port`` a free port, and ``dolbom`` is this checkout's CLI
(``python -m api.cli``). The environment is the compose service's, with the
NEO4J_* values of the test Neo4j (``neo4j_env``) in place of the compose
network's; ``embedded_env`` serves an embedded file the same way instead.

:class:`Server` starts it in its own process group (uvicorn's master and its
workers), waits for ``/readyz``, and can stop it politely or ``kill -9`` the
whole group.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from tests.spawn import free_port

ROOT = Path(__file__).resolve().parents[2]


def compose_app() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["app"]


def compose_argv(port: int) -> list[str]:
    """The app service's command with loopback, ``port`` and this checkout's ``dolbom``."""
    cmd = compose_app()["command"]
    argv = shlex.split(cmd) if isinstance(cmd, str) else [str(a) for a in cmd]
    assert argv[:2] == ["dolbom", "serve"], argv
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = str(port)
    return [sys.executable, "-m", "api.cli", *argv[1:]]


def cli_env(neo4j_env: dict[str, str]) -> dict[str, str]:
    """This environment with the test Neo4j's NEO4J_* (and no embedded file named)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DOLBOM_DB"))}
    return {**env, **neo4j_env, "PYTHONPATH": str(ROOT)}


def neo4j_env_of_compose(neo4j_env: dict[str, str]) -> dict[str, str]:
    """The app service's environment, its NEO4J_* pointed at the test Neo4j. The
    password goes as compose sends it; a test server without authentication
    accepts any."""
    env = {k: str(v) for k, v in compose_app()["environment"].items()}
    assert set(env) >= {"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"}, env
    env["NEO4J_URI"] = neo4j_env["NEO4J_URI"]
    env["NEO4J_DATABASE"] = neo4j_env.get("NEO4J_DATABASE", "neo4j")
    env["NEO4J_USER"] = neo4j_env.get("NEO4J_USER", env["NEO4J_USER"])
    env["NEO4J_PASSWORD"] = neo4j_env.get("NEO4J_PASSWORD", "any-password-auth-is-off")
    return {**cli_env({}), **env}


def embedded_env(db: str | os.PathLike[str]) -> dict[str, str]:
    return {**cli_env({}), "DOLBOM_DB": str(db)}


class Server:
    """A ``dolbom serve`` process group on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path, *, port: int | None = None,
                 timeout: float = 120) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.argv = compose_argv(self.port)
        self.log_path = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{' '.join(self.argv)} did not get ready; its log:\n{tail}")
            time.sleep(0.2)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                return r.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def post(self, query: str, variables: dict | None = None, token: str | None = None,
             timeout: float = 60) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(self.base + "/graphql", data=body, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def data(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        """The ``data`` of a query that must succeed."""
        status, body = self.post(query, variables, token)
        assert status == 200 and not body.get("errors"), body
        return body["data"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """``kill -9`` the master and its workers."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(20)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_token(env: dict[str, str], *args: str) -> str:
    """``dolbom token create ARGS`` in ``env``: the token it prints."""
    made = subprocess.run([sys.executable, "-m", "api.cli", "token", "create", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()
