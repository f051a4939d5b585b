"""Logging filters for the settings' LOGGING."""

from __future__ import annotations

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Let one record of a kind through per ``seconds``; say how many were held back.

    For failures that repeat on every request while they last (Redis down): the log
    says so once a minute instead of hundreds of times a second.
    """

    def __init__(self, seconds: float = 60) -> None:
        super().__init__()
        self.seconds = seconds
        self._last: dict[tuple[str, str], float] = {}
        self._held_back: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self.seconds:
                self._held_back[kind] = self._held_back.get(kind, 0) + 1
                return False
            self._last[kind] = now
            held_back = self._held_back.pop(kind, 0)
        if held_back:
            record.msg = f"{record.msg} (and {held_back} more like it)"
        return True
