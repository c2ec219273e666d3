"""Counts for /stats, the 30-day chart and the daily digest, and who receives announcements."""

from __future__ import annotations

import time

from bot.storage.db import Database
from handlers.ports import Stats
from handlers.vntime import day_start, utc_offset


class StatsStore(Database):
    async def stats(self, now: float | None = None) -> Stats:
        """Questions today / 7 / 30 days, outcomes, top entries, ratings (30 days), open feedback."""
        now = time.time() if now is None else now
        since30 = now - 30 * 86400
        async with self.db.execute(
            "SELECT SUM(asked_at >= ?), SUM(asked_at >= ?), COUNT(*) FROM questions WHERE asked_at >= ?",
            (day_start(now), now - 7 * 86400, since30)) as cur:
            row = await cur.fetchone()
        today, week, month = (int(v or 0) for v in row) if row else (0, 0, 0)
        async with self.db.execute("SELECT outcome, COUNT(*) FROM questions WHERE asked_at >= ?"
                                   " GROUP BY outcome", (since30,)) as cur:
            outcomes = {r[0]: int(r[1]) for r in await cur.fetchall()}
        async with self.db.execute(
            "SELECT entry_id, COUNT(*) AS n FROM questions WHERE asked_at >= ? AND outcome = 'answer'"
            " GROUP BY entry_id ORDER BY n DESC LIMIT 5", (since30,)) as cur:
            top_entries = [(r[0], int(r[1])) for r in await cur.fetchall()]
        async with self.db.execute("SELECT SUM(value > 0), SUM(value < 0) FROM ratings WHERE rated_at >= ?",
                                   (since30,)) as cur:
            row = await cur.fetchone()
        up, down = (int(v or 0) for v in row) if row else (0, 0)
        async with self.db.execute("SELECT COUNT(*) FROM feedback WHERE status = 'new'") as cur:
            row = await cur.fetchone()
        feedback_new = int(row[0]) if row else 0
        async with self.db.execute("SELECT COUNT(*) FROM users WHERE opted_in = 1") as cur:
            row = await cur.fetchone()
        subscribers = int(row[0]) if row else 0
        async with self.db.execute(
            "SELECT SUM(status = 'given_up' AND created_at >= ?), SUM(status IN ('pending', 'sending'))"
            " FROM outbox", (since30,)) as cur:
            row = await cur.fetchone()
        undelivered, pending = (int(v or 0) for v in row) if row else (0, 0)
        return Stats(today, week, month, outcomes, top_entries, up, down, feedback_new, subscribers,
                     undelivered, pending)

    async def daily_outcomes(self, days: int = 30, now: float | None = None) -> list[dict[str, int]]:
        """Questions per Vietnam-time day and outcome, oldest first, ``days`` days ending today."""
        now = time.time() if now is None else now
        offset = utc_offset(now)  # Vietnam has kept one offset all year since 1975
        today = int((now + offset) // 86400)
        out: list[dict[str, int]] = [{} for _ in range(days)]
        first = (today - days + 1) * 86400 - offset
        async with self.db.execute(
            "SELECT CAST((asked_at + ?) / 86400 AS INTEGER) AS day, outcome, COUNT(*) FROM questions"
            " WHERE asked_at >= ? GROUP BY day, outcome", (offset, first)) as cur:
            for day, outcome, n in await cur.fetchall():
                index = int(day) - (today - days + 1)
                if 0 <= index < days:
                    out[index][outcome] = int(n)
        return out

    async def subscribers(self) -> list[tuple[str, str, str]]:
        """(channel, user id, language) of everyone who opted in to announcements (/dangky)."""
        async with self.db.execute("SELECT channel, user_id, language FROM users WHERE opted_in = 1"
                                   " ORDER BY channel, user_id") as cur:
            return [(r[0], r[1], r[2]) for r in await cur.fetchall()]
