"""The real server and the tablet app as subprocesses (killable, restartable on the same data dir)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


class Proc:
    """One subprocess with its log file; ``start`` again after ``stop``/``kill``."""

    def __init__(self, args: list[str], log: Path, ready_url: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.log = log
        self.ready_url = ready_url
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        wait_http(self.ready_url, proc=self.proc)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """A clean stop (SIGTERM), as an operator would."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, like Android killing the app."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def server(data_dir: Path, port: int, logs: Path) -> Proc:
    args = [
        sys.executable,
        "-m",
        "sync_server",
        "serve",
        "--demo",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
    ]
    return Proc(args, logs / "server.log", f"http://127.0.0.1:{port}/api/v1/health")


def tablet_app(data_dir: Path, port: int, logs: Path, *extra: str) -> Proc:
    args = [
        sys.executable,
        "-m",
        "mobile_app",
        "--web",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *extra,
    ]
    return Proc(args, logs / "tablet.log", f"http://127.0.0.1:{port}/")


def enroll_code(data_dir: Path, username: str = "khaosat1") -> str:
    out = subprocess.run(
        [sys.executable, "-m", "sync_server", "enroll-code", "--user", username, "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    m = re.search(r"([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", out)
    assert m, out
    return m[1]


def demo_password(data_dir: Path, username: str) -> str:
    for line in (data_dir / "demo-accounts.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0] == username:
            return parts[1]
    raise KeyError(username)


class Api:
    """The server's REST API as a reviewer sees it."""

    def __init__(self, base: str, data_dir: Path, username: str = "canbo.luutru") -> None:
        self.http = httpx.Client(base_url=base + "/api/v1", timeout=30)
        r = self.http.post(
            "/auth/token", data={"username": username, "password": demo_password(data_dir, username)}
        )
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def records(self, agency: str, kind: str) -> list[dict]:  # type: ignore[type-arg]
        r = self.http.get(f"/agencies/{agency}/records/{kind}", params={"limit": 1000})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def photo(self, sha: str) -> bytes:
        r = self.http.get(f"/photos/{sha}")
        r.raise_for_status()
        return r.content

    def history(self, kind: str, rid: str) -> list[dict]:  # type: ignore[type-arg]
        r = self.http.get(f"/records/{kind}/{rid}/history")
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def send_back(self, kind: str, rid: str, text: str) -> None:
        r = self.http.post(f"/records/{kind}/{rid}/review", json={"state": "sent_back", "text": text})
        r.raise_for_status()

    def close(self) -> None:
        self.http.close()
