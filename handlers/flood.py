"""Per-person flood control, shared by every channel.

In memory on purpose: it protects this process from one person's burst, needs no durability, and
must cost nothing for everyone else (the check is a deque append). Typed messages and button taps
are counted apart, each with its own limit and its own pause: reading through the menus is many
quick taps, which says nothing about typing too fast, and a person paused for one can still do
the other. The notice says how long the pause is, so nobody is left waiting for an answer that
will not come.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from handlers.texts import t

Verdict = Literal["ok", "notice", "ignore"]
Key = tuple[str, bool]  # (person, taps)


class FloodGuard:
    """More than ``limit`` messages (or ``actions`` taps) within ``window`` seconds: one notice,
    then silence for ``mute`` seconds, after which the next one is answered as usual."""

    def __init__(self, limit: int = 20, window: float = 60.0, mute: float = 60.0, actions: int = 60,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.actions = actions
        self.window = window
        self.mute = mute
        self.clock = clock
        self._seen: dict[Key, deque[float]] = {}
        self._muted: dict[Key, float] = {}
        self._checks = 0

    def check(self, person: str, *, action: bool = False) -> Verdict:
        """``action``: a button tap (or what stands for one, a Zalo option number)."""
        now = self.clock()
        self._checks += 1
        if self._checks % 4096 == 0:
            self._prune(now)
        key = (person, action)
        until = self._muted.get(key)
        if until is not None:
            if now < until:
                return "ignore"
            del self._muted[key]
        limit = self.actions if action else self.limit
        if limit <= 0:
            return "ok"
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        seen.append(now)
        if len(seen) > limit:
            self._muted[key] = now + self.mute
            seen.clear()
            return "notice"
        return "ok"

    def wait(self, person: str, *, action: bool = False) -> float:
        """Seconds until ``person`` is answered again (0: now)."""
        until = self._muted.get((person, action))
        return max(0.0, until - self.clock()) if until is not None else 0.0

    def _prune(self, now: float) -> None:
        for key in [k for k, seen in self._seen.items() if not seen or seen[-1] <= now - self.window]:
            del self._seen[key]
        for key in [k for k, until in self._muted.items() if until <= now]:
            del self._muted[key]


def notice(seconds: float, lang: str, *, action: bool = False) -> str:
    """The one notice before the pause, naming it, rounded up so that waiting as long as it says
    always works: "about 1 minute", "about 45 seconds"."""
    if seconds > 55:
        minutes = math.ceil(seconds / 60)
        wait = t("flood_minute", lang) if minutes == 1 else t("flood_minutes", lang, n=str(minutes))
    else:
        wait = t("flood_seconds", lang, n=str(max(5, 5 * math.ceil(seconds / 5))))
    return t("flood_taps" if action else "flood", lang, wait=wait)
