"""``scripts/start.sh``: the tablet app stopping on its own leaves the server running."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BANNER = "SaoLuu đang chạy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> dict[int, str]:
    """The direct child processes of ``pid``, with their command lines."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out[int(entry.name)] = cmdline
    return out


def _wait_for(lines: queue.Queue[str], seen: list[str], text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in line for line in seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, "".join(seen)[-3000:]
        try:
            seen.append(lines.get(timeout=remaining))
        except queue.Empty:
            continue


def test_the_server_keeps_running_when_the_tablet_app_stops(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SAOLUU_DATA_DIR": str(tmp_path / "data"),
        "SAOLUU_PORT": str(port),
        "SAOLUU_TABLET_PORT": str(_free_port()),
    }
    script = subprocess.Popen(
        ["bash", "scripts/start.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert script.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in script.stdout], daemon=True).start()  # type: ignore[union-attr]
    seen: list[str] = []
    children: dict[int, str] = {}
    try:
        _wait_for(lines, seen, BANNER, timeout=240)
        children = _children(script.pid)
        [tablet] = [pid for pid, cmd in children.items() if "-m mobile_app" in cmd]
        os.kill(tablet, signal.SIGTERM)
        _wait_for(lines, seen, "máy chủ vẫn chạy", timeout=60)
        assert script.poll() is None
        health = f"http://127.0.0.1:{port}/api/v1/health"
        assert httpx.get(health, timeout=5).status_code == 200  # the server outlived the tablet app
        script.send_signal(signal.SIGINT)  # Ctrl-C
        assert script.wait(timeout=60) != 0
        try:
            httpx.get(health, timeout=2)
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("the server still answers after Ctrl-C")
    finally:
        for pid in [script.pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        script.wait(timeout=30)
