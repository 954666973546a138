"""PDFs from outside are read in a child process with a memory cap and a time limit.

A delivered PDF is untrusted input: a decompression bomb in a content stream, a file that sends the
engine into a loop, or one that crashes it must cost one refused PDF, never the run. The child
(``python -m sync_server.domain.scans.reader``: it imports only :mod:`.pdf`) reads one PDF at a
time; if it runs out of memory, overruns the time limit or dies, that PDF is refused as unreadable
and a fresh child reads the next. One PDF is read ahead, so the child measures the next PDF while
the caller copies this one.
"""

from __future__ import annotations

import contextlib
import resource
import socket
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from sync_server.domain.scans.pdf import PdfFacts, PdfRefused, inspect_pdf

MEMORY_BYTES = 1024**3
"""Address space the reading process may use (Python and PDFium need well under 100 MB)."""
TIME_LIMIT_SECONDS = 120.0
"""Time one PDF may take to read (a 500-page, 500 MB scan takes about a second)."""
T = TypeVar("T")


def serve(conn: Connection) -> None:
    """The child: read the PDFs it is sent, answer facts or a refusal, until the pipe closes."""
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        try:
            conn.send(inspect_pdf(path))
        except PdfRefused as refused:
            conn.send(refused)
        except MemoryError:
            conn.send(PdfRefused("scan_unreadable"))
            return  # the engine may hold half-built state: a fresh process reads the next one


class PdfReader:
    """Reads PDFs in a child process; use as a context manager."""

    def __init__(self, memory_bytes: int = MEMORY_BYTES, time_limit: float = TIME_LIMIT_SECONDS) -> None:
        self.memory_bytes = memory_bytes
        self.time_limit = time_limit
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._sent: deque[Path] = deque()

    def __enter__(self) -> PdfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the child finish (closing its pipe ends it); kill it if it does not."""
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = self._conn = None

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def start(self) -> None:
        """Start the child now rather than with the first PDF (it takes a moment to start)."""
        if self._proc is None or self._proc.poll() is not None:
            self._kill()
            self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno()), str(self.memory_bytes)],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self._conn = Connection(ours.detach())

    def _send(self, path: Path) -> None:
        self.start()
        assert self._conn is not None
        with contextlib.suppress(OSError):  # the child died since: its missing answer will say so
            self._conn.send(path)
        self._sent.append(path)

    def _receive(self) -> PdfFacts | PdfRefused:
        """The answer for the oldest PDF sent; on a timeout or a dead child, a refusal, and the PDFs
        sent after it are sent again to a fresh child."""
        assert self._conn is not None
        self._sent.popleft()
        try:
            if self._conn.poll(self.time_limit):
                answer: PdfFacts | PdfRefused = self._conn.recv()
                return answer
        except (EOFError, OSError):
            pass
        waiting = list(self._sent)
        self._sent.clear()
        self._kill()
        for later in waiting:
            self._send(later)
        return PdfRefused("scan_unreadable")

    def inspect(self, path: Path) -> PdfFacts:
        """Read one PDF; raises :class:`PdfRefused`."""
        self._send(path)
        answer = self._receive()
        if isinstance(answer, PdfRefused):
            raise answer
        return answer

    def inspect_all(self, items: Iterable[tuple[T, Path]]) -> Iterator[tuple[T, PdfFacts | PdfRefused]]:
        """Each item with what its PDF holds, in order, reading the next PDF while the caller works."""
        pending: deque[T] = deque()
        for item, path in items:
            self._send(path)
            pending.append(item)
            if len(pending) > 1:
                yield pending.popleft(), self._receive()
        while pending:
            yield pending.popleft(), self._receive()


def main(argv: list[str]) -> None:
    fd, memory = int(argv[0]), int(argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    serve(Connection(fd))


if __name__ == "__main__":
    main(sys.argv[1:])
