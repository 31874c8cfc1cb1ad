"""A real Neo4j 5 for the tests (a pytest plugin, registered in tests/conftest.py).

``neo4j_env`` (session) is the environment that opens the test Neo4j:

* ``NEO4J_URI`` set: that server (and ``NEO4J_PASSWORD``); its database is emptied
  by each test that uses it, so point it at a throwaway one;
* otherwise ``tools/neo4j-server/start`` (Neo4j 5.26 community from Maven
  Central's jars on Java 17, Bolt on a free loopback port, auth off) is built
  if needed and started once for the whole session, then stopped.

Without Java 17 and Maven the Neo4j tests skip with the reason printed, unless
``DOLBOM_REQUIRE_NEO4J=1`` (CI sets it), which makes that a failure.
``neo4j_store`` gives a test an empty store on that server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "tools" / "neo4j-server" / "start"
#: first start builds the launcher with Maven (minutes on a cold cache); later ones take seconds
START_TIMEOUT = float(os.environ.get("DOLBOM_NEO4J_START_TIMEOUT", "600"))


def required() -> bool:
    return os.environ.get("DOLBOM_REQUIRE_NEO4J") == "1"


def unavailable(reason: str) -> None:
    """Skip (printing why) or, under DOLBOM_REQUIRE_NEO4J=1, fail."""
    if required():
        pytest.fail(f"DOLBOM_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(f"Neo4j tests skipped: {reason}")


class LocalNeo4j:
    """``tools/neo4j-server/start`` in a child process, until :meth:`stop`."""

    def __init__(self, data: Path, log: Path) -> None:
        self.log_path = log
        self._log = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [str(LAUNCHER), "--port", "0", "--data", str(data)],
            stdout=subprocess.PIPE, stderr=self._log, text=True, start_new_session=True,
        )
        self.uri: str | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._log.write(line)
            self._log.flush()
            if line.startswith("READY ") and self.uri is None:
                self.uri = line.split(None, 1)[1].strip()
                self._ready.set()
        self._ready.set()  # the child ended

    def wait(self, timeout: float) -> str:
        if not self._ready.wait(timeout) or self.uri is None:
            self.stop()
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the test Neo4j did not start within {timeout:.0f} s:\n{tail}")
        return self.uri

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()


def _missing_tools() -> str | None:
    if not LAUNCHER.exists():
        return f"{LAUNCHER.relative_to(ROOT)} is missing"
    if shutil.which("mvn") is None and not (LAUNCHER.parent / "target" / "lib").is_dir():
        return "Maven (mvn) is not on PATH to build tools/neo4j-server"
    java17 = any(Path("/usr/lib/jvm").glob("*17*/bin/java")) or os.environ.get("NEO4J_JAVA")
    if not java17 and shutil.which("java") is None:
        return "no Java 17 runtime is installed"
    return None


@pytest.fixture(scope="session")
def neo4j_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment that opens the test Neo4j (``NEO4J_URI`` and friends)."""
    if os.environ.get("NEO4J_URI"):
        yield {k: v for k, v in os.environ.items() if k.startswith("NEO4J_")}
        return
    missing = _missing_tools()
    if missing:
        unavailable(missing)
    base = tmp_path_factory.mktemp("neo4j")
    server = LocalNeo4j(base / "data", base / "server.log")
    try:
        started = time.monotonic()
        uri = server.wait(START_TIMEOUT)
    except RuntimeError as e:
        unavailable(str(e))
    print(f"\n[neo4j] test server {uri} ready in {time.monotonic() - started:.1f} s")
    try:
        yield {"NEO4J_URI": uri, "NEO4J_DATABASE": "neo4j"}
    finally:
        server.stop()


@pytest.fixture
def neo4j_store(neo4j_env: dict[str, str]) -> Iterator[object]:
    """An empty Neo4j store on the test server (closed after the test)."""
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_env(neo4j_env)
    store.clear()
    try:
        yield store
    finally:
        store.close()
