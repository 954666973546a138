"""A loopback proxy that behaves like a mobile data link: limited bandwidth each way, a round trip's
delay, and a connection cut every few megabytes.

* **Bandwidth**: each direction is one queue shared by every connection (a tablet has one radio):
  a piece of data read from one side leaves the link ``len / bandwidth`` seconds after the link is
  free, in the order it was read.
* **Delay**: each piece arrives half a round trip after it left the link; a new connection carries
  nothing before one round trip (its handshake).
* **Cuts**: after every ``cut_every`` bytes carried (both ways together, each gap drawn uniformly
  within ``± cut_spread``), the connection carrying the next byte is reset at both ends: what of
  it was still on the link is lost, as when a tablet changes cell or its signal drops for a moment.
* Each connection reads at most ``window`` bytes ahead of what the link has delivered (TCP's
  window): a sender is held back by the link, not by an endless buffer.

Not modelled: TCP's slow start, packet headers (the bandwidth is spent on payload only), TLS.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tests.faults.proxy import LoopbackProxy

_CUT = object()
_EOF = object()


@dataclass(frozen=True)
class LinkShape:
    up_bits: float = 2e6
    """Bits per second from the tablet to the server."""
    down_bits: float = 8e6
    rtt_s: float = 0.150
    cut_every: int | None = 4_000_000
    """Bytes carried (both directions) between two cuts, on average; None: never cut."""
    cut_spread: float = 0.25
    window: int = 128 * 1024


@dataclass
class LinkCounters:
    """What the link carried (including what a cut lost) and delivered, both directions."""

    up: int = 0
    down: int = 0
    delivered_up: int = 0
    delivered_down: int = 0
    connections: int = 0
    cuts: int = 0


class _Direction:
    """One direction of the link: a bandwidth shared by all connections."""

    def __init__(self, bits: float) -> None:
        self.bytes_per_s = bits / 8
        self.free_at = 0.0


@dataclass
class _Pipe:
    """One direction of one connection: pieces waiting for their time to be delivered."""

    src: socket.socket
    dst: socket.socket
    direction: _Direction
    not_before: float
    queue: deque[tuple[float, object]] = field(default_factory=deque)
    queued: int = 0
    cond: threading.Condition = field(default_factory=threading.Condition)


@dataclass
class _Connection:
    up: _Pipe
    down: _Pipe
    dead: threading.Event = field(default_factory=threading.Event)
    ended: int = 0
    """Directions whose sender has finished (both: the connection is closed)."""

    def close(self, reset: bool = False) -> None:
        """Close both ends; ``reset`` sends RST rather than a polite close: what was still on the
        link is gone."""
        self.dead.set()
        for sock in (self.up.src, self.up.dst):
            with contextlib.suppress(OSError):
                if reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)  # wakes a reader blocked on it (close alone does not)
            sock.close()
        for pipe in (self.up, self.down):
            with pipe.cond:
                pipe.cond.notify_all()


class LinkProxy(LoopbackProxy):
    """``with LinkProxy((host, port), LinkShape()) as link:`` -> clients connect to ``link.url``."""

    def __init__(self, upstream: tuple[str, int], shape: LinkShape | None = None, seed: int = 71) -> None:
        super().__init__()
        self.upstream = upstream
        self.shape = shape or LinkShape()
        self.rng = random.Random(seed)
        self.counters = LinkCounters()
        self.lock = threading.Lock()
        self._up = _Direction(self.shape.up_bits)
        self._down = _Direction(self.shape.down_bits)
        self._carried = 0
        self._next_cut = self._gap()
        self._open: list[_Connection] = []

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        for conn in self._open:
            conn.close()

    def _gap(self) -> float:
        every, spread = self.shape.cut_every, self.shape.cut_spread
        return float("inf") if every is None else every * self.rng.uniform(1 - spread, 1 + spread)

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        now = time.monotonic()
        with self.lock:
            self.counters.connections += 1
        conn = _Connection(
            _Pipe(client, server, self._up, not_before=now + self.shape.rtt_s),
            _Pipe(server, client, self._down, not_before=now),
        )
        self._open = [c for c in self._open if not c.dead.is_set()] + [conn]
        for pipe in (conn.up, conn.down):
            threading.Thread(target=self._read, args=(pipe, conn.dead), daemon=True).start()
            threading.Thread(target=self._deliver, args=(pipe, conn), daemon=True).start()

    def _read(self, pipe: _Pipe, dead: threading.Event) -> None:
        """Take what one side sends onto the link, no faster than the window allows."""
        upward = pipe.direction is self._up
        while not dead.is_set() and not self._stop.is_set():
            with pipe.cond:
                while pipe.queued >= self.shape.window and not dead.is_set():
                    pipe.cond.wait(0.5)
            try:
                data = pipe.src.recv(8192)
            except OSError:
                data = b""
            if dead.is_set():
                return
            if not data:
                self._put(pipe, time.monotonic(), _EOF)
                return
            with self.lock:
                start = max(time.monotonic(), pipe.direction.free_at, pipe.not_before)
                keep = len(data)
                if self._carried + len(data) >= self._next_cut:
                    keep = max(0, int(self._next_cut - self._carried))
                    self._next_cut += self._gap()
                    self.counters.cuts += 1
                self._carried += len(data)
                sent_at = start + len(data) / pipe.direction.bytes_per_s
                pipe.direction.free_at = sent_at
                if upward:
                    self.counters.up += len(data)
                else:
                    self.counters.down += len(data)
            arrive = start + keep / pipe.direction.bytes_per_s + self.shape.rtt_s / 2
            if keep:
                self._put(pipe, arrive, data[:keep])
            if keep < len(data):
                self._put(pipe, arrive, _CUT)
                return

    @staticmethod
    def _put(pipe: _Pipe, at: float, item: object) -> None:
        with pipe.cond:
            pipe.queue.append((at, item))
            if isinstance(item, bytes):
                pipe.queued += len(item)
            pipe.cond.notify_all()

    def _deliver(self, pipe: _Pipe, conn: _Connection) -> None:
        """Hand each piece to the other side when the link delivers it."""
        upward = pipe.direction is self._up
        dead = conn.dead
        while not dead.is_set() and not self._stop.is_set():
            with pipe.cond:
                while not pipe.queue and not dead.is_set():
                    pipe.cond.wait(0.5)
                if dead.is_set():
                    return
                at, item = pipe.queue[0]
            if dead.wait(max(0.0, at - time.monotonic())):  # the link's delay itself
                return
            with pipe.cond:
                pipe.queue.popleft()
                if isinstance(item, bytes):
                    pipe.queued -= len(item)
                pipe.cond.notify_all()
            if item is _CUT:
                conn.close(reset=True)
                return
            if item is _EOF:
                with contextlib.suppress(OSError):
                    pipe.dst.shutdown(socket.SHUT_WR)
                with self.lock:
                    conn.ended += 1
                    both = conn.ended == 2
                if both:
                    conn.close()
                return
            assert isinstance(item, bytes)
            try:
                pipe.dst.sendall(item)
            except OSError:
                conn.close(reset=True)
                return
            with self.lock:
                if upward:
                    self.counters.delivered_up += len(item)
                else:
                    self.counters.delivered_down += len(item)
