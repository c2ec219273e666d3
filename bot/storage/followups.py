"""Who asked the questions of a review group that now has an answer, kept for the offer to tell
them: the queue items leave the queue when the group is dealt with, and retention purges them."""

from __future__ import annotations

import secrets
import time

from bot.storage.db import Database
from handlers.ports import FOLLOWUP_DAYS  # an offer not answered by then is dropped with who it names

# a queue item's asker by its ref's kind (a 👎 rating's language is its question's)
ASKER = {"u": "SELECT channel, user_id, lang FROM unanswered WHERE id = ?",
         "r": "SELECT r.channel, r.user_id, COALESCE(q.lang, 'vi') FROM ratings r"
              " LEFT JOIN questions q ON q.id = r.question_id WHERE r.id = ?"}
COLUMNS = "ref, channel, user_id, lang, entry_id, created_at"


class FollowUpStore(Database):
    async def followup_keep(self, refs: list[str], entry_id: str) -> tuple[str, int]:
        """Keeps the askers of ``refs`` under a new offer; its id and how many people it names
        (("", 0) when none of the items is stored any more)."""
        now = time.time()
        offer = secrets.token_hex(4)
        people: set[tuple[str, str]] = set()
        async with self.transaction() as db:
            await db.execute("DELETE FROM followups WHERE created_at < ?", (now - FOLLOWUP_DAYS * 86400,))
            for ref in refs:
                kind, _, rid = ref.partition(":")
                if kind not in ASKER or not rid.isdigit():
                    continue
                async with db.execute(ASKER[kind], (int(rid),)) as cur:
                    row = await cur.fetchone()
                if row is None:
                    continue
                await db.execute(f"INSERT OR IGNORE INTO followups (offer, {COLUMNS})"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (offer, ref, row[0], row[1], row[2], entry_id, now))
                people.add((row[0], row[1]))
        return (offer, len(people)) if people else ("", 0)

    async def followup_askers(self, offer: str) -> list[dict]:
        """The offer's items and who asked them; none once it has expired or been answered."""
        async with self.db.execute(
                f"SELECT {COLUMNS} FROM followups WHERE offer = ? AND created_at >= ? ORDER BY ref",
                (offer, time.time() - FOLLOWUP_DAYS * 86400)) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def followup_take(self, offer: str) -> list[dict]:
        """Ends the offer and returns what it named, once: two administrators pressing "Send" at
        the same time send it once."""
        async with self.transaction() as db, db.execute(
                f"DELETE FROM followups WHERE offer = ? RETURNING {COLUMNS}", (offer,)) as cur:
            rows = [dict(row) for row in await cur.fetchall()]
        cutoff = time.time() - FOLLOWUP_DAYS * 86400
        return sorted((r for r in rows if r["created_at"] >= cutoff), key=lambda r: r["ref"])
