"""Run paper-reader on a real pseudo-terminal and capture every byte it writes."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence


def run_in_pty(
    args: Sequence[str],
    env: dict[str, str],
    keys: Sequence[tuple[float, bytes]],
    size: tuple[int, int] = (100, 30),
    timeout: float = 60.0,
    wait_for: bytes | None = None,
) -> tuple[bytes, int]:
    """Start `python -m reader ARGS` on a pty; send each key after its delay; return (output, status).

    With `wait_for`, the first key's delay counts from the moment the app has written it
    (its first frame), not from the start. The last key should quit the app; if it does not
    exit by `timeout`, it is killed.
    """
    cols, rows = size
    pid, fd = pty.fork()
    if pid == 0:  # child: size the terminal, then become the app
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvpe(sys.executable, [sys.executable, "-m", "reader", *args], env)
    out = bytearray()
    deadline = time.monotonic() + timeout
    pending = list(keys)
    next_at = time.monotonic() + (pending[0][0] if pending else 0)
    status = None
    try:
        while time.monotonic() < deadline:
            if wait_for is not None and wait_for in out:
                wait_for = None
                next_at = time.monotonic() + (pending[0][0] if pending else 0)
            if pending and wait_for is None and time.monotonic() >= next_at:
                os.write(fd, pending.pop(0)[1])
                next_at = time.monotonic() + (pending[0][0] if pending else 0)
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                out += chunk
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = code
                break
    finally:
        if status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        while True:  # drain what is left
            try:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    break
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                out += chunk
            except OSError:
                break
        os.close(fd)
    return bytes(out), status
