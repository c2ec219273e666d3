"""SQLite storage (aiosqlite): users, questions, ratings, feedback, the unanswered queue and
conversation state, in one file shared by every channel.

One connection in autocommit mode: every write method commits before it returns, so a reply that
confirms something is only sent once the thing is on disk. Writes that span several statements
run inside ``transaction()``, serialised by a lock so concurrent handlers never interleave them.

The schema is versioned: ``MIGRATIONS`` is an ordered list, each applied once in its own
transaction and recorded in ``schema_version``. Later features append to the list, never edit it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

Migration = str | Callable[[aiosqlite.Connection], Awaitable[None]]

# Append only: a deployed database has already run the earlier ones.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial", """
    CREATE TABLE users (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        language    TEXT NOT NULL DEFAULT 'vi',
        first_seen  REAL NOT NULL,
        last_seen   REAL NOT NULL,
        opted_in    INTEGER NOT NULL DEFAULT 0,   -- announcements (/dangky), off unless asked for
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;

    CREATE TABLE questions (
        id        INTEGER PRIMARY KEY,
        channel   TEXT NOT NULL,
        user_id   TEXT NOT NULL,
        text      TEXT NOT NULL,
        lang      TEXT NOT NULL,
        outcome   TEXT NOT NULL,                  -- answer | clarify | fallback | smalltalk
        entry_id  TEXT,
        score     REAL NOT NULL DEFAULT 0,
        asked_at  REAL NOT NULL
    );
    CREATE INDEX questions_user ON questions (channel, user_id);
    CREATE INDEX questions_time ON questions (asked_at);

    CREATE TABLE ratings (
        id          INTEGER PRIMARY KEY,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        entry_id    TEXT NOT NULL,
        question_id INTEGER NOT NULL DEFAULT 0,   -- 0: the answer was opened from a menu
        value       INTEGER NOT NULL,             -- +1 helpful, -1 not helpful
        rated_at    REAL NOT NULL,
        UNIQUE (channel, user_id, entry_id, question_id)
    );
    CREATE INDEX ratings_entry ON ratings (entry_id);

    CREATE TABLE feedback (
        id          INTEGER PRIMARY KEY,
        ref         TEXT NOT NULL UNIQUE,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        text        TEXT NOT NULL,
        name        TEXT,
        email       TEXT,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'new',
        created_at  REAL NOT NULL
    );
    CREATE INDEX feedback_user ON feedback (channel, user_id);

    CREATE TABLE unanswered (
        id          INTEGER PRIMARY KEY,
        question_id INTEGER,
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        text        TEXT NOT NULL,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open', -- open | handled | dismissed
        created_at  REAL NOT NULL
    );
    CREATE INDEX unanswered_status ON unanswered (status, created_at);
    CREATE INDEX unanswered_user ON unanswered (channel, user_id);

    CREATE TABLE conversation_state (
        channel     TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        state       TEXT NOT NULL,                -- JSON
        updated_at  REAL NOT NULL,
        PRIMARY KEY (channel, user_id)
    ) WITHOUT ROWID;
    """),
    # Issue 4: every administrator action, with what it changed (JSON before / after).
    ("audit_log", """
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        admin       TEXT NOT NULL,                -- channel:user_id
        action      TEXT NOT NULL,
        target      TEXT,                         -- e.g. the entry id
        before      TEXT,                         -- JSON or NULL
        after       TEXT,                         -- JSON or NULL
        created_at  REAL NOT NULL
    );
    CREATE INDEX audit_time ON audit_log (created_at);
    """),
    # Issue 4: knowledge-base changes made from the chat, one row per version of an entry
    # (see knowledge/overlay.py for how they combine with the YAML files).
    ("kb_versions", """
    CREATE TABLE kb_versions (
        id          INTEGER PRIMARY KEY,
        entry_id    TEXT NOT NULL,
        version     INTEGER NOT NULL,             -- 1, 2, ... per entry; 0 is the YAML file
        action      TEXT NOT NULL,                -- add | edit | hide | restore | rollback | ...
        data        TEXT NOT NULL,                -- JSON: the whole entry after the change
        base        TEXT NOT NULL DEFAULT '',     -- fingerprint of the file's entry it was made over
        admin       TEXT NOT NULL,
        created_at  REAL NOT NULL,
        UNIQUE (entry_id, version)                -- two saves over the same version: one fails
    );
    """),
    # Issue 4: 👎 ratings join the review queue until an administrator has dealt with them.
    ("ratings_reviewed", """
    ALTER TABLE ratings ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX ratings_review ON ratings (value, reviewed);
    """),
    # Issue 4: administrators reply to feedback from the chat (status: new | read | replied | closed).
    ("feedback_reply", """
    ALTER TABLE feedback ADD COLUMN reply TEXT;
    ALTER TABLE feedback ADD COLUMN replied_at REAL;
    """),
]

INSERT_QUESTION = ("INSERT INTO questions (channel, user_id, text, lang, outcome, entry_id, score, asked_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
# Tables holding one person's data, for deletion and retention; each has channel and user_id.
PERSONAL_TABLES = ("questions", "ratings", "feedback", "unanswered", "conversation_state")
REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed back


class VersionConflict(Exception):
    """Someone saved a newer version of the entry since this change was started; ``latest`` is it."""

    def __init__(self, entry_id: str, latest: dict | None):
        super().__init__(f"entry {entry_id} changed meanwhile")
        self.entry_id = entry_id
        self.latest = latest


@dataclass(frozen=True)
class User:
    channel: str
    user_id: str
    language: str
    first_seen: float
    last_seen: float
    opted_in: bool


def new_ref() -> str:
    """A short code a person can quote when asking about their feedback, e.g. GY-7K3QM9."""
    return "GY-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))


class Storage:
    """All persistence for the bot. ``path`` may be ``:memory:`` (tests, throwaway runs)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    # -- life cycle ----------------------------------------------------------------------------
    async def open(self) -> Storage:
        async with self._open_lock:
            if self._db is not None:
                return self
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(self.path, isolation_level=None)
            try:
                db.row_factory = aiosqlite.Row
                await db.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a commit survives a crash of the process; only a power cut can
                # lose the last transactions. Feedback is written with FULL (see add_feedback).
                await db.execute("PRAGMA synchronous=NORMAL")
                await db.execute("PRAGMA busy_timeout=5000")
                await db.execute("PRAGMA foreign_keys=ON")
                await migrate(db)
            except BaseException:
                await db.close()
                raise
            self._db = db
            return self

    async def close(self) -> None:
        async with self._open_lock:
            if self._db is not None:
                db, self._db = self._db, None
                await db.close()

    async def __aenter__(self) -> Storage:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Storage is not open")
        return self._db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several statements, all or nothing; committed when the block ends without error."""
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def _write(self, sql: str, params: tuple = ()) -> aiosqlite.Cursor:
        async with self._lock:
            return await self.db.execute(sql, params)

    async def schema_version(self) -> int:
        async with self.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0])

    # -- users ---------------------------------------------------------------------------------
    async def touch_user(self, channel: str, user_id: str, language: str | None = None) -> User:
        """Record that the person is here; ``language`` only seeds a new user's preference."""
        return (await self.arrive(channel, user_id, language))[0]

    async def arrive(self, channel: str, user_id: str, language: str | None = None,
                     max_age: float | None = None) -> tuple[User, dict | None]:
        """``touch_user`` and ``get_state`` in one statement: every message needs both, and one
        round trip to the database thread instead of two is what the hot path is made of."""
        now = time.time()
        async with self._lock, self.db.execute(
            "INSERT INTO users (channel, user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET last_seen = excluded.last_seen"
            " RETURNING channel, user_id, language, first_seen, last_seen, opted_in,"
            " (SELECT state FROM conversation_state s"
            "  WHERE s.channel = users.channel AND s.user_id = users.user_id),"
            " (SELECT updated_at FROM conversation_state s"
            "  WHERE s.channel = users.channel AND s.user_id = users.user_id)",
            (channel, user_id, language if language in ("vi", "en") else "vi", now, now),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        user = User(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
        if row[6] is None:
            return user, None
        if max_age is not None and now - row[7] > max_age:
            await self.set_state(channel, user_id, None)
            return user, None
        return user, _load_state(row[6], channel, user_id)

    async def get_user(self, channel: str, user_id: str) -> User | None:
        async with self.db.execute(
            "SELECT channel, user_id, language, first_seen, last_seen, opted_in FROM users"
            " WHERE channel = ? AND user_id = ?", (channel, user_id)) as cur:
            row = await cur.fetchone()
        return User(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None

    async def set_language(self, channel: str, user_id: str, language: str) -> None:
        now = time.time()
        await self._write(
            "INSERT INTO users (channel, user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET language = excluded.language",
            (channel, user_id, language, now, now))

    async def set_opted_in(self, channel: str, user_id: str, opted_in: bool) -> None:
        await self._write("UPDATE users SET opted_in = ? WHERE channel = ? AND user_id = ?",
                          (int(opted_in), channel, user_id))

    # -- questions, ratings, queue -------------------------------------------------------------
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

    async def rate(self, channel: str, user_id: str, entry_id: str, value: int, question_id: int = 0) -> None:
        """One vote per person, answer and question; voting again replaces the vote."""
        await self._write(
            "INSERT INTO ratings (channel, user_id, entry_id, question_id, value, rated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id, entry_id, question_id)"
            " DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at",
            (channel, user_id, entry_id, question_id, 1 if value > 0 else -1, time.time()))

    async def unanswered(self, status: str = "open", limit: int = 100) -> list[dict]:
        async with self.db.execute(
            "SELECT * FROM unanswered WHERE status = ? ORDER BY created_at LIMIT ?", (status, limit)) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def questions(self, channel: str | None = None, user_id: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM questions", ()
        if channel is not None and user_id is not None:
            sql, params = sql + " WHERE channel = ? AND user_id = ?", (channel, user_id)
        async with self.db.execute(sql + " ORDER BY id", params) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def ratings(self, entry_id: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM ratings", ()
        if entry_id is not None:
            sql, params = sql + " WHERE entry_id = ?", (entry_id,)
        async with self.db.execute(sql + " ORDER BY id", params) as cur:
            return [dict(row) for row in await cur.fetchall()]

    # -- feedback ------------------------------------------------------------------------------
    async def add_feedback(self, channel: str, user_id: str, text: str, lang: str,
                           name: str | None = None, email: str | None = None) -> str:
        """Stores the feedback durably (fsync) and returns its reference code."""
        async with self._lock:
            await self.db.execute("PRAGMA synchronous=FULL")
            try:
                for _ in range(10):
                    ref = new_ref()
                    try:
                        await self.db.execute(
                            "INSERT INTO feedback (ref, channel, user_id, text, name, email, lang,"
                            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (ref, channel, user_id, text, name or None, email or None, lang, time.time()))
                        return ref
                    except aiosqlite.IntegrityError:
                        continue
                raise RuntimeError("could not allocate a feedback reference")
            finally:
                await self.db.execute("PRAGMA synchronous=NORMAL")

    async def feedback(self, ref: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM feedback", ()
        if ref is not None:
            sql, params = sql + " WHERE ref = ?", (ref,)
        async with self.db.execute(sql + " ORDER BY id", params) as cur:
            return [dict(row) for row in await cur.fetchall()]

    # -- conversation state --------------------------------------------------------------------
    async def get_state(self, channel: str, user_id: str, max_age: float | None = None) -> dict | None:
        """The flow in progress, if any; one untouched for ``max_age`` seconds counts as abandoned."""
        async with self.db.execute(
            "SELECT state, updated_at FROM conversation_state WHERE channel = ? AND user_id = ?",
            (channel, user_id)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        if max_age is not None and time.time() - row[1] > max_age:
            await self.set_state(channel, user_id, None)
            return None
        return _load_state(row[0], channel, user_id)

    async def set_state(self, channel: str, user_id: str, state: dict | None) -> None:
        """``None`` ends the conversation in progress."""
        if state is None:
            await self._write("DELETE FROM conversation_state WHERE channel = ? AND user_id = ?",
                              (channel, user_id))
            return
        await self._write(
            "INSERT INTO conversation_state (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id)"
            " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (channel, user_id, json.dumps(state, ensure_ascii=False), time.time()))

    # -- privacy -------------------------------------------------------------------------------
    async def delete_user_data(self, channel: str, user_id: str) -> dict[str, int]:
        """Everything stored about one person on one channel, in one transaction; returns counts."""
        counts: dict[str, int] = {}
        async with self.transaction() as db:
            for table in (*PERSONAL_TABLES, "users"):
                cur = await db.execute(f"DELETE FROM {table} WHERE channel = ? AND user_id = ?",
                                       (channel, user_id))
                counts[table] = cur.rowcount
        return counts

    async def purge_older_than(self, days: float) -> dict[str, int]:
        """Retention: drops records older than ``days`` and people not seen for that long."""
        cutoff = time.time() - days * 86400
        columns = {"questions": "asked_at", "ratings": "rated_at", "feedback": "created_at",
                   "unanswered": "created_at", "conversation_state": "updated_at", "users": "last_seen"}
        counts: dict[str, int] = {}
        async with self.transaction() as db:
            for table, column in columns.items():
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))
                counts[table] = cur.rowcount
        return counts

    # -- administrators ------------------------------------------------------------------------
    async def audit(self, admin: str, action: str, target: str | None = None,
                    before: object = None, after: object = None,
                    db: aiosqlite.Connection | None = None) -> None:
        """One audit record; pass ``db`` inside ``transaction()`` so it commits with the change."""
        params = (admin, action, target, _json_or_none(before), _json_or_none(after), time.time())
        sql = ("INSERT INTO audit_log (admin, action, target, before, after, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?)")
        if db is not None:
            await db.execute(sql, params)
        else:
            await self._write(sql, params)

    async def audit_log(self, limit: int = 20, target: str | None = None,
                        audit_id: int | None = None) -> list[dict]:
        """Newest first; ``before``/``after`` decoded."""
        sql, params = "SELECT * FROM audit_log", ()
        if target is not None:
            sql, params = sql + " WHERE target = ?", (target,)
        elif audit_id is not None:
            sql, params = sql + " WHERE id = ?", (audit_id,)
        async with self.db.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)) as cur:
            rows = [dict(row) for row in await cur.fetchall()]
        for row in rows:
            for key in ("before", "after"):
                row[key] = json.loads(row[key]) if row[key] else None
        return rows

    # -- knowledge-base versions (issue 4) ------------------------------------------------------
    async def kb_latest(self) -> list[dict]:
        """The newest version of every entry changed from the chat."""
        async with self.db.execute(
            "SELECT v.* FROM kb_versions v JOIN (SELECT entry_id, MAX(version) AS top FROM kb_versions"
            " GROUP BY entry_id) m ON v.entry_id = m.entry_id AND v.version = m.top ORDER BY v.entry_id"
        ) as cur:
            return [_version_row(row) for row in await cur.fetchall()]

    async def kb_history(self, entry_id: str) -> list[dict]:
        """Every chat version of one entry, oldest first."""
        async with self.db.execute("SELECT * FROM kb_versions WHERE entry_id = ? ORDER BY version",
                                   (entry_id,)) as cur:
            return [_version_row(row) for row in await cur.fetchall()]

    async def kb_version(self, entry_id: str) -> int:
        """The entry's current version number: 0 when it was never changed from the chat."""
        async with self.db.execute("SELECT COALESCE(MAX(version), 0) FROM kb_versions WHERE entry_id = ?",
                                   (entry_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def save_kb_version(self, entry_id: str, expected: int, action: str, data: dict, base: str,
                              admin: str, before: dict | None = None) -> int:
        """Stores version ``expected + 1`` and its audit record in one transaction.

        Optimistic locking: ``expected`` is the version the administrator started from; if someone
        saved a version since, nothing is written and ``VersionConflict`` carries theirs."""
        async with self.transaction() as db:
            async with db.execute("SELECT COALESCE(MAX(version), 0) FROM kb_versions WHERE entry_id = ?",
                                  (entry_id,)) as cur:
                row = await cur.fetchone()
            current = int(row[0]) if row else 0
            if current != expected:
                async with db.execute("SELECT * FROM kb_versions WHERE entry_id = ? AND version = ?",
                                      (entry_id, current)) as cur:
                    latest = await cur.fetchone()
                raise VersionConflict(entry_id, _version_row(latest) if latest else None)
            await db.execute(
                "INSERT INTO kb_versions (entry_id, version, action, data, base, admin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry_id, expected + 1, action, json.dumps(data, ensure_ascii=False), base, admin,
                 time.time()))
            await self.audit(admin, action, entry_id, before, data, db=db)
        return expected + 1

    # -- review queue (issue 4) ------------------------------------------------------------------
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

    async def review_mark(self, refs: list[str], status: str) -> None:
        """Takes items out of the queue: ``status`` is "handled" or "dismissed"."""
        unanswered = [int(r[2:]) for r in refs if r.startswith("u:") and r[2:].isdigit()]
        ratings = [int(r[2:]) for r in refs if r.startswith("r:") and r[2:].isdigit()]
        async with self.transaction() as db:
            for uid in unanswered:
                await db.execute("UPDATE unanswered SET status = ? WHERE id = ?", (status, uid))
            for rid in ratings:
                await db.execute("UPDATE ratings SET reviewed = 1 WHERE id = ?", (rid,))

    # -- feedback inbox, statistics, announcements (issue 4) ----------------------------------------
    async def feedback_inbox(self, limit: int = 10) -> list[dict]:
        """Feedback not yet replied to or closed, newest first."""
        async with self.db.execute("SELECT * FROM feedback WHERE status IN ('new', 'read')"
                                   " ORDER BY id DESC LIMIT ?", (limit,)) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def feedback_get(self, feedback_id: int) -> dict | None:
        async with self.db.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)) as cur:
            row = await cur.fetchone()
        return dict(row) if row else None

    async def feedback_set(self, feedback_id: int, status: str, reply: str | None = None) -> None:
        if reply is None:
            await self._write("UPDATE feedback SET status = ? WHERE id = ?", (status, feedback_id))
        else:
            await self._write("UPDATE feedback SET status = ?, reply = ?, replied_at = ? WHERE id = ?",
                              (status, reply, time.time(), feedback_id))

    async def stats(self, now: float | None = None) -> dict:
        """Counts for /stats: questions today / 7 / 30 days, outcomes, top entries, ratings."""
        now = time.time() if now is None else now
        day_start = now - (now + 7 * 3600) % 86400  # midnight, Vietnam time
        since30 = now - 30 * 86400
        out: dict = {}
        async with self.db.execute(
            "SELECT SUM(asked_at >= ?), SUM(asked_at >= ?), COUNT(*) FROM questions WHERE asked_at >= ?",
            (day_start, now - 7 * 86400, since30)) as cur:
            row = await cur.fetchone()
        out["today"], out["week"], out["month"] = (int(v or 0) for v in row) if row else (0, 0, 0)
        async with self.db.execute("SELECT outcome, COUNT(*) FROM questions WHERE asked_at >= ?"
                                   " GROUP BY outcome", (since30,)) as cur:
            out["outcomes"] = {r[0]: int(r[1]) for r in await cur.fetchall()}
        async with self.db.execute(
            "SELECT entry_id, COUNT(*) AS n FROM questions WHERE asked_at >= ? AND outcome = 'answer'"
            " GROUP BY entry_id ORDER BY n DESC LIMIT 5", (since30,)) as cur:
            out["top_entries"] = [(r[0], int(r[1])) for r in await cur.fetchall()]
        async with self.db.execute("SELECT SUM(value > 0), SUM(value < 0) FROM ratings WHERE rated_at >= ?",
                                   (since30,)) as cur:
            row = await cur.fetchone()
        out["up"], out["down"] = (int(v or 0) for v in row) if row else (0, 0)
        async with self.db.execute("SELECT COUNT(*) FROM feedback WHERE status = 'new'") as cur:
            row = await cur.fetchone()
        out["feedback_new"] = int(row[0]) if row else 0
        async with self.db.execute("SELECT COUNT(*) FROM users WHERE opted_in = 1") as cur:
            row = await cur.fetchone()
        out["subscribers"] = int(row[0]) if row else 0
        return out

    async def daily_outcomes(self, days: int = 30, now: float | None = None) -> list[dict[str, int]]:
        """Questions per Vietnam-time day and outcome, oldest first, ``days`` days ending today."""
        now = time.time() if now is None else now
        today = int((now + 7 * 3600) // 86400)
        out: list[dict[str, int]] = [{} for _ in range(days)]
        async with self.db.execute(
            "SELECT CAST((asked_at + 25200) / 86400 AS INTEGER) AS day, outcome, COUNT(*) FROM questions"
            " WHERE asked_at >= ? GROUP BY day, outcome", ((today - days + 1) * 86400 - 25200,)) as cur:
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

    async def save_kb_batch(self, changes: list[tuple[str, int, str, dict, str, dict | None]], admin: str
                            ) -> None:
        """Several entries' new versions (entry id, expected version, action, data, base, before),
        all or nothing: one ``VersionConflict`` and none is written. For imports."""
        async with self.transaction() as db:
            now = time.time()
            for entry_id, expected, action, data, base, before in changes:
                async with db.execute("SELECT COALESCE(MAX(version), 0) FROM kb_versions WHERE entry_id = ?",
                                      (entry_id,)) as cur:
                    row = await cur.fetchone()
                if (int(row[0]) if row else 0) != expected:
                    raise VersionConflict(entry_id, None)
                await db.execute(
                    "INSERT INTO kb_versions (entry_id, version, action, data, base, admin, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, expected + 1, action, json.dumps(data, ensure_ascii=False), base, admin, now))
                await self.audit(admin, action, entry_id, before, data, db=db)

    async def ping(self) -> bool:
        async with self.db.execute("SELECT 1") as cur:
            return (await cur.fetchone()) is not None


def _version_row(row: aiosqlite.Row) -> dict:
    out = dict(row)
    out["data"] = json.loads(out["data"])
    return out


def _json_or_none(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _load_state(raw: str, channel: str, user_id: str) -> dict | None:
    try:
        state = json.loads(raw)
    except ValueError:
        log.warning("unreadable conversation state for %s:%s dropped", channel, user_id)
        return None
    return state if isinstance(state, dict) else None


async def migrate(db: aiosqlite.Connection, migrations: list[tuple[str, Migration]] | None = None) -> int:
    """Applies the migrations this database has not seen yet; returns the resulting version."""
    migrations = MIGRATIONS if migrations is None else migrations
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)")
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    if current > len(migrations):
        raise RuntimeError(f"database schema version {current} is newer than this code "
                           f"({len(migrations)}); refusing to run an older bot on it")
    for version, (name, step) in enumerate(migrations, 1):
        if version <= current:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            if isinstance(step, str):
                for statement in _statements(step):
                    await db.execute(statement)
            else:
                await step(db)
            await db.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                             (version, name, time.time()))
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
        log.info("database migrated to version %d (%s)", version, name)
        current = version
    return current


def _statements(script: str) -> list[str]:
    """executescript() would commit on its own; split instead so a migration stays one transaction."""
    import sqlite3

    statements, start = [], 0
    for at, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start:at + 1]):
            statement = script[start:at + 1].strip()
            if statement.strip(";").strip():
                statements.append(statement)
            start = at + 1
    if script[start:].strip():
        statements.append(script[start:].strip())
    return statements
