"""SQLite storage: migrations, durability rules, deletion and retention."""

from __future__ import annotations

import sqlite3
import time

import pytest

from bot import storage as storage_mod
from bot.storage import MIGRATIONS, Storage, migrate


async def test_creates_folder_wal_and_schema(tmp_path):
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    async with Storage(path) as st:
        assert await st.schema_version() == len(MIGRATIONS)
        async with st.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "questions", "ratings", "feedback", "unanswered", "conversation_state",
            "schema_version"} <= tables


async def test_migrations_run_once_and_appended_ones_apply(tmp_path, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    async with Storage(path):
        pass
    async with Storage(path) as st:  # reopening does not re-run anything
        assert await st.schema_version() == len(MIGRATIONS)

    async def add_column(db):
        await db.execute("ALTER TABLE users ADD COLUMN note TEXT")

    extended = [*MIGRATIONS, ("users-note", add_column), ("index", "CREATE INDEX users_seen ON users (last_seen);")]
    monkeypatch.setattr(storage_mod, "MIGRATIONS", extended)
    async with Storage(path) as st:
        assert await st.schema_version() == len(MIGRATIONS) + 2
        await st.touch_user("telegram", "1", "en")
        async with st.db.execute("SELECT note FROM users") as cur:
            assert (await cur.fetchone())[0] is None


async def test_failed_migration_rolls_back_and_newer_schema_is_refused(tmp_path):
    import aiosqlite

    async with aiosqlite.connect(tmp_path / "x.sqlite3", isolation_level=None) as db:
        bad = [("one", "CREATE TABLE a (x INTEGER);"), ("two", "CREATE TABLE b (x INTEGER); SELECT nonsense FROM nowhere;")]
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, bad)
        async with db.execute("SELECT MAX(version) FROM schema_version") as cur:
            assert (await cur.fetchone())[0] == 1
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'b'") as cur:
            assert await cur.fetchone() is None
        with pytest.raises(RuntimeError, match="newer"):
            await migrate(db, [])


async def test_users_questions_state_and_feedback():
    async with Storage(":memory:") as st:
        user = await st.touch_user("telegram", "7", "en")
        assert user.language == "en" and not user.opted_in
        again = await st.touch_user("telegram", "7", "vi")  # the hint only seeds a new user
        assert again.language == "en" and again.last_seen >= user.last_seen
        await st.set_language("telegram", "7", "vi")
        assert (await st.get_user("telegram", "7")).language == "vi"
        qid = await st.log_question("telegram", "7", "giá vàng", "vi", "fallback", None, 3.0, unanswered=True)
        [queued] = await st.unanswered()
        assert queued["question_id"] == qid
        await st.set_state("telegram", "7", {"flow": "feedback", "step": "name", "text": "Ý kiến"})
        assert (await st.get_state("telegram", "7"))["text"] == "Ý kiến"
        assert await st.get_state("zalo", "7") is None
        await st.set_state("telegram", "7", None)
        assert await st.get_state("telegram", "7") is None
        refs = {await st.add_feedback("telegram", "7", f"góp ý {i}", "vi") for i in range(20)}
        assert len(refs) == 20 and all(r.startswith("GY-") and len(r) == 9 for r in refs)


async def test_delete_user_data_and_retention():
    async with Storage(":memory:") as st:
        for uid in ("1", "2"):
            await st.touch_user("telegram", uid)
            await st.log_question("telegram", uid, "q", "vi", "fallback", None, 0, unanswered=True)
            await st.rate("telegram", uid, "e", 1)
            await st.add_feedback("telegram", uid, "t", "vi")
            await st.set_state("telegram", uid, {"flow": "x"})
        counts = await st.delete_user_data("telegram", "1")
        assert counts == {"questions": 1, "ratings": 1, "feedback": 1, "unanswered": 1,
                          "conversation_state": 1, "users": 1}
        assert len(await st.questions()) == 1
        assert await st.purge_older_than(30) == dict.fromkeys(counts, 0)
        await st.db.execute("UPDATE questions SET asked_at = ?", (time.time() - 40 * 86400,))
        assert (await st.purge_older_than(30))["questions"] == 1
