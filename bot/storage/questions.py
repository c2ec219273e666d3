"""Questions people asked, their ratings of the answers, and the review queue built from both."""

from __future__ import annotations

import time

from bot.storage.db import Database

INSERT_QUESTION = ("INSERT INTO questions (channel, user_id, text, lang, outcome, entry_id, score, asked_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")

# a queue item's wording by its ref's kind: the unanswered question, or the question a 👎 answered
REVIEW_TEXT = {"u": "SELECT text FROM unanswered WHERE id = ?",
               "r": "SELECT q.text FROM ratings r JOIN questions q ON q.id = r.question_id WHERE r.id = ?"}


class QuestionStore(Database):
    async def log_question(self, channel: str, user_id: str, text: str, lang: str, outcome: str,
                           entry_id: str | None, score: float, *, unanswered: bool = False) -> int:
        """Every question, for statistics and review; ``unanswered`` also queues it for admins."""
        now = time.time()
        text = text[:4000]
        if not unanswered:
            cur = await self._write(
                INSERT_QUESTION, (channel, user_id, text, lang, outcome, entry_id, score, now))
            return int(cur.lastrowid or 0)
        async with self.transaction() as db:
            cur = await db.execute(
                INSERT_QUESTION, (channel, user_id, text, lang, outcome, entry_id, score, now))
            qid = int(cur.lastrowid or 0)
            await db.execute(
                "INSERT INTO unanswered (question_id, channel, user_id, text, lang, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (qid, channel, user_id, text, lang, now))
        return qid

    async def rate(self, channel: str, user_id: str, entry_id: str, value: int, question_id: int = 0) -> bool:
        """One vote per person, answer and question; voting again replaces the vote. False when
        the same vote was there already (a double tap)."""
        cur = await self._write(
            "INSERT INTO ratings (channel, user_id, entry_id, question_id, value, rated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id, entry_id, question_id)"
            " DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at"
            " WHERE value != excluded.value",
            (channel, user_id, entry_id, question_id, 1 if value > 0 else -1, time.time()))
        return cur.rowcount > 0

    async def review_items(self, limit: int = 500) -> list[dict]:
        """Open unanswered questions and unreviewed 👎 ratings (the newest ``limit``), oldest first.
        ``ref`` ("u:<id>", "r:<id>") names an item for ``review_mark``; a rating's text is the
        question it answered."""
        async with self.db.execute(
            "SELECT 'u:' || id AS ref, 'unanswered' AS kind, text, lang, channel, user_id, NULL AS entry_id,"
            " created_at FROM unanswered WHERE status = 'open'"
            " UNION ALL"
            " SELECT 'r:' || r.id, 'disliked', COALESCE(q.text, ''), COALESCE(q.lang, 'vi'), r.channel,"
            " r.user_id, r.entry_id, r.rated_at FROM ratings r LEFT JOIN questions q ON q.id = r.question_id"
            " WHERE r.value < 0 AND r.reviewed = 0"
            " ORDER BY created_at DESC LIMIT ?", (limit,)) as cur:
            rows = [dict(row) for row in await cur.fetchall()]
        return rows[::-1]  # the newest ``limit``, oldest first

    async def review_text(self, refs: list[str]) -> str | None:
        """The wording of the first of ``refs`` still stored (the person may have deleted it): the
        audit log names queue items by ref, never by their words."""
        for ref in refs:
            kind, _, rid = ref.partition(":")
            if not rid.isdigit():
                continue
            if kind not in REVIEW_TEXT:
                continue
            async with self.db.execute(REVIEW_TEXT[kind], (int(rid),)) as cur:
                row = await cur.fetchone()
            if row and row[0]:
                return str(row[0])
        return None

    async def review_mark(self, refs: list[str], status: str) -> None:
        """Takes items out of the queue: ``status`` is "handled" or "dismissed"."""
        unanswered = [int(r[2:]) for r in refs if r.startswith("u:") and r[2:].isdigit()]
        ratings = [int(r[2:]) for r in refs if r.startswith("r:") and r[2:].isdigit()]
        async with self.transaction() as db:
            for uid in unanswered:
                await db.execute("UPDATE unanswered SET status = ? WHERE id = ?", (status, uid))
            for rid in ratings:
                await db.execute("UPDATE ratings SET reviewed = 1 WHERE id = ?", (rid,))
