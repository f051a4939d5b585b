"""`make run`'s terminal: Ctrl-C for the stack only, a closed window stops it, and
output that never fails the processes writing it.

- ``terminal_foreground``: a terminal sends Ctrl-C to its whole foreground process
  group, ``make`` included, and ``make`` ends itself with the signal once its recipe
  returns, so ``make run`` failed after every clean stop. The launcher takes the
  foreground for a group of its own while it runs, and hands it back afterwards.
  Out of ``make``'s group, it no longer receives the SIGHUP a shell passes to its
  jobs when the window closes, so it watches the terminal and raises SIGHUP on
  itself when the terminal hangs up.
- ``OutputRelay``: honcho's output goes through the launcher. Once the window is
  closed, writing to the terminal fails (EIO); honcho would crash on it mid-stop and
  leave its processes running. The relay drops the output instead and keeps reading.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO

QUIET_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 5.0


def say(text: str, *, stream: IO[str] | None = None) -> None:
    """Write to the terminal, if there still is one (a closed window: EIO)."""
    stream = stream or sys.stdout
    with contextlib.suppress(OSError, ValueError):
        stream.write(text)
        stream.flush()


def _watch_for_hangup(tty: int, closing: threading.Event) -> None:
    poller = select.poll()
    poller.register(tty, select.POLLHUP)  # hang-ups and errors are always reported
    while not closing.is_set():
        if poller.poll(1000) and not closing.is_set():
            os.kill(os.getpid(), signal.SIGHUP)
            return


@contextlib.contextmanager
def terminal_foreground() -> Iterator[None]:
    """Run the block as the terminal's foreground group, stopping on hang-up.

    Does nothing without a terminal; started in the background it stays there (and
    still stops when the terminal hangs up).
    """
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        yield
        return
    previous = None
    # A background group changing the foreground would be stopped by SIGTTOU.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTTOU})
    try:
        if os.tcgetpgrp(tty) == os.getpgrp():
            previous = os.getpgrp()
            if os.getpid() != previous:
                os.setpgid(0, 0)
            os.tcsetpgrp(tty, os.getpgrp())
            # Ctrl-Z would stop this group while the shell waits on make, which it
            # cannot stop: the terminal would seem to hang. It does nothing instead.
            signal.signal(signal.SIGTSTP, signal.SIG_IGN)
    except OSError:
        previous = None
    closing = threading.Event()
    threading.Thread(target=_watch_for_hangup, args=(tty, closing), daemon=True).start()
    try:
        yield
    finally:
        closing.set()
        if previous is not None:
            with contextlib.suppress(OSError):  # make has gone: nothing to give back
                os.tcsetpgrp(tty, previous)
        os.close(tty)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTTOU})


class OutputRelay:
    """Copy a process's output to ours; after a failed write, keep draining it."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._last_output_at = time.monotonic()
        self._thread = threading.Thread(target=self._copy, daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        sink: IO[bytes] | None = sys.stdout.buffer
        for chunk in iter(lambda: self._source.read1(65536), b""):
            self._last_output_at = time.monotonic()
            if sink is None:
                continue
            try:
                sink.write(chunk)
                sink.flush()
            except (OSError, ValueError):
                sink = None  # the terminal is gone: read on, so nothing blocks

    def wait_until_quiet(self) -> None:
        """Wait for a pause in the output (at most a few seconds), so what is
        written next comes after the start-up logs, not lost among them."""
        deadline = time.monotonic() + LONGEST_WAIT_SECONDS
        while time.monotonic() < deadline:
            if time.monotonic() - self._last_output_at >= QUIET_SECONDS:
                return
            time.sleep(0.1)

    def finish(self, timeout: float = 5.0) -> None:
        """Wait for the rest of the output once the process has ended."""
        self._thread.join(timeout)
