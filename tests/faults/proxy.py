"""A fault-injecting TCP proxy for loopback tests: drops, stalls and truncates, never reorders.

Each accepted connection is relayed byte for byte to an upstream (round robin over several, so the
same proxy is also "one address in front of two servers"). A seeded random choice per connection
decides its fate:

* ``clean``: relayed untouched;
* ``cut_request``: the client's bytes stop after a random count and the connection dies (the server
  sees half a request, or none);
* ``truncate``: the request goes through whole, but only a random prefix of the answer comes back
  (the server committed; the client never learns it);
* ``stall``: the answer is held back for ``stall_s`` seconds (longer than the client's timeout).
"""

from __future__ import annotations

import contextlib
import random
import select
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Self

FAULTS = ("clean", "cut_request", "truncate", "stall")


class LoopbackProxy:
    """Listens on a free port of 127.0.0.1 while in a ``with`` block and hands every connection
    it accepts to :meth:`_serve` (on the accepting thread: start a thread there for long work)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._serve(client)

    def _serve(self, client: socket.socket) -> None:
        raise NotImplementedError


@dataclass
class Recording:
    """One connection as the server saw it: the bytes it received, and those it answered (all of
    them, before any truncation on the way back)."""

    fate: str
    received: bytearray = field(default_factory=bytearray)
    answered: bytearray = field(default_factory=bytearray)


@dataclass
class FaultPlan:
    """Weights of each fate, and the sizes that make them bite."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"clean": 0.6, "cut_request": 0.15, "truncate": 0.15, "stall": 0.1}
    )
    max_cut: int = 6000
    max_truncate: int = 600
    stall_s: float = 1.5


class FaultProxy(LoopbackProxy):
    """``with FaultProxy([(host, port), ...], plan) as proxy:`` -> clients connect to ``proxy.url``."""

    def __init__(
        self,
        upstreams: list[tuple[str, int]],
        plan: FaultPlan | None = None,
        seed: int = 71,
        record: bool = False,
    ) -> None:
        super().__init__()
        self.upstreams = upstreams
        self.plan = plan or FaultPlan(weights={"clean": 1.0})
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.per_upstream: Counter[tuple[str, int]] = Counter()
        self.connections = 0
        self.record = record
        self.recordings: list[Recording] = []
        """With ``record``: every connection, in the order they were accepted."""

    def _fate(self) -> tuple[str, int, tuple[str, int]]:
        with self.lock:
            kinds, weights = zip(*self.plan.weights.items(), strict=True)
            fate = self.rng.choices(kinds, weights)[0]
            limit = self.plan.max_cut if fate == "cut_request" else self.plan.max_truncate
            upstream = self.upstreams[self.connections % len(self.upstreams)]
            self.connections += 1
            self.per_upstream[upstream] += 1
            if fate != "clean":
                self.injected[fate] += 1
            return fate, self.rng.randint(0, limit), upstream

    def _serve(self, client: socket.socket) -> None:
        fate, budget, upstream = self._fate()
        recording = Recording(fate)
        if self.record:
            with self.lock:
                self.recordings.append(recording)
        args = (client, fate, budget, upstream, recording)
        threading.Thread(target=self._relay, args=args, daemon=True).start()

    def _relay(
        self, client: socket.socket, fate: str, budget: int, upstream: tuple[str, int], recording: Recording
    ) -> None:
        try:
            server = socket.create_connection(upstream, timeout=5)
        except OSError:
            client.close()  # upstream down: the client sees a refused/reset connection
            return
        up_left = budget if fate == "cut_request" else None
        down_left = budget if fate == "truncate" else None
        stalled = False
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([client, server], [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        if up_left is not None:
                            data = data[:up_left]
                            up_left -= len(data)
                        server.sendall(data)
                        recording.received += data
                        if up_left == 0:
                            return
                    else:
                        recording.answered += data
                        if fate == "stall" and not stalled:
                            time.sleep(self.plan.stall_s)
                            stalled = True
                        if down_left is not None:
                            data = data[:down_left]
                            down_left -= len(data)
                        client.sendall(data)
                        if down_left == 0:
                            return
        except OSError:
            return
        finally:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
