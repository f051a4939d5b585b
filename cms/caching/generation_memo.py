"""Values a process works out once per content generation (sites, restrictions, chrome).

Some reads are the same for every request until the public content changes: which
site a host name is, the page view restrictions, the header and footer. Keeping them
in process memory, keyed on the generation, saves a database or Redis round trip on
every page view, and a content change (which replaces the generation) retires them
all at once, exactly as it retires cached pages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.http import HttpRequest

from .generation import ContentGeneration, content_generation

T = TypeVar("T")


class GenerationMemo:
    """A bounded dictionary emptied whenever the content generation changes.

    Bounded because some keys come from the request (the Host header): a stream of
    made-up host names must not grow a worker's memory.
    """

    def __init__(self, *, size: int = 32) -> None:
        self.size = size
        self._generation: ContentGeneration | None = None
        self._values: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: Hashable,
        build: Callable[[], T],
        *,
        request: HttpRequest | None = None,
    ) -> T:
        generation = content_generation(request=request)
        with self._lock:
            if generation != self._generation:
                # Other content (newer, or older for a request begun before a change):
                # forget everything. Values are only ever read under the generation
                # they were built for.
                self._generation, self._values = generation, {}
            elif key in self._values:
                return self._values[key]
        value = build()
        with self._lock:
            if self._generation == generation and len(self._values) < self.size:
                self._values[key] = value
        return value
