"""Run a server in a child process on loopback and wait until it answers.

Used by the tests that talk to a real ``dolbom serve`` over HTTP and by the
API bench, which also starts a bare comparison app the same way.

    with Spawned(serve_argv(db, port)) as server:
        urllib.request.urlopen(server.base + "/healthz")

The child's output goes to ``log_path`` (a temporary file when not given);
if it exits or does not answer ``ready_path`` within ``timeout`` seconds,
:class:`SpawnError` carries the end of that log. Leaving the block stops the
child (SIGTERM, then SIGKILL after ``stop_timeout``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SpawnError(RuntimeError):
    """The child exited or never became ready; the message ends with its log."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_argv(db: str | os.PathLike[str], port: int, *extra: str) -> list[str]:
    """The command line of ``dolbom serve`` on ``db`` at 127.0.0.1:``port``."""
    return [sys.executable, "-m", "api.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
            "--port", str(port), *extra]


class Spawned:
    """A child server process; a context manager that waits for readiness and stops it."""

    def __init__(self, argv: Sequence[str], *, port: int | None = None, ready_path: str = "/readyz",
                 env: Mapping[str, str] | None = None, log_path: str | os.PathLike[str] | None = None,
                 timeout: float = 120, stop_timeout: float = 15,
                 cwd: str | os.PathLike[str] | None = None) -> None:
        self.argv = list(argv)
        #: where it runs (``python -m`` imports from there): this checkout unless given
        self.cwd = ROOT if cwd is None else cwd
        if port is None:
            port = int(self.argv[self.argv.index("--port") + 1])
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.ready_path = ready_path
        self.env = dict(os.environ if env is None else env)
        self.timeout = timeout
        self.stop_timeout = stop_timeout
        if log_path is None:
            fd, log_path = tempfile.mkstemp(prefix="dolbom-spawn-", suffix=".log")
            os.close(fd)
        self.log_path = Path(log_path)
        self.proc: subprocess.Popen[bytes] | None = None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def start(self) -> Spawned:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as r:
                    if r.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            exited = self.proc.poll() is not None
            if exited or time.monotonic() > deadline:
                self.stop()
                why = (f"exited ({self.proc.returncode})" if exited
                       else f"was not ready in {self.timeout:.0f} s")
                raise SpawnError(f"{' '.join(self.argv[1:5])} ... {why}; its log:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Spawned:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
