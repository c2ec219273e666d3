"""Per-person flood control, shared by every channel.

In memory on purpose: it protects this process from one person's burst, needs no durability, and
must cost nothing for everyone else (the check is a deque append).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

Verdict = Literal["ok", "notice", "ignore"]


class FloodGuard:
    """More than ``limit`` messages within ``window`` seconds: one notice, then silence for ``mute``."""

    def __init__(self, limit: int = 20, window: float = 60.0, mute: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.mute = mute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._muted: dict[str, float] = {}
        self._checks = 0

    def check(self, key: str) -> Verdict:
        now = self.clock()
        self._checks += 1
        if self._checks % 4096 == 0:
            self._prune(now)
        until = self._muted.get(key)
        if until is not None:
            if now < until:
                return "ignore"
            del self._muted[key]
        if self.limit <= 0:
            return "ok"
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) > self.limit:
            self._muted[key] = now + self.mute
            seen.clear()
            return "notice"
        return "ok"

    def _prune(self, now: float) -> None:
        for key in [k for k, seen in self._seen.items() if not seen or seen[-1] <= now - self.window]:
            del self._seen[key]
        for key in [k for k, until in self._muted.items() if until <= now]:
            del self._muted[key]
