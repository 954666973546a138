"""The field-link proxy the field bench measures through: its bandwidth, delay and resets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.faults.link import LinkProxy, LinkShape


@contextmanager
def _sink() -> Iterator[tuple[int, list[int]]]:
    """A server that reads everything and answers each 100,000 bytes with one byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = [0]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                pending = 0
                while data := conn.recv(65536):
                    received[0] += len(data)
                    pending += len(data)
                    while pending >= 100_000:
                        pending -= 100_000
                        conn.sendall(b"!")

    threading.Thread(target=serve, daemon=True).start()
    yield int(listener.getsockname()[1]), received
    listener.close()


def test_a_transfer_takes_its_bytes_over_the_bandwidth_plus_a_round_trip() -> None:
    shape = LinkShape(up_bits=2e6, down_bits=8e6, rtt_s=0.15, cut_every=None)
    with _sink() as (port, received), LinkProxy(("127.0.0.1", port), shape) as link:
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", link.port)) as sock:
            sock.sendall(b"x" * 300_000)
            assert sock.recv(1) == b"!"  # the answer to the first 100,000 bytes
            first = time.monotonic() - start
            assert sock.recv(1) + sock.recv(1) == b"!!"
            elapsed = time.monotonic() - start
    # a handshake (one round trip), 100 kB at 250 kB/s, half a round trip each way
    assert first >= 0.15 + 0.4 + 0.15
    assert elapsed >= 0.15 + 1.2 + 0.15
    assert received[0] == 300_000 and link.counters.up == link.counters.delivered_up == 300_000


def test_the_connection_carrying_the_cut_mark_is_reset_and_the_rest_is_lost() -> None:
    shape = LinkShape(up_bits=8e6, rtt_s=0.02, cut_every=250_000, cut_spread=0.0)
    with _sink() as (port, received), LinkProxy(("127.0.0.1", port), shape) as link:
        with socket.create_connection(("127.0.0.1", link.port)) as sock:
            sock.settimeout(10)
            sock.sendall(b"x" * 200_000)
            assert sock.recv(1) == b"!"
            try:
                sock.sendall(b"x" * 200_000)
                while sock.recv(1):
                    pass
            except OSError:
                pass  # reset
        deadline = time.monotonic() + 5
        while link.counters.cuts == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert link.counters.cuts == 1
        # up to the mark (counted both ways: the answers' bytes too), not a byte more
        assert 250_000 - 2 <= (before := link.counters.delivered_up) <= 250_000
        with socket.create_connection(("127.0.0.1", link.port)) as again:  # the link itself goes on
            again.sendall(b"y" * 100_000)
            assert again.recv(1) == b"!"
    assert received[0] == before + 100_000
