"""The connection and the migration runner: WAL, versioned schema, failed and newer migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS, Storage, migrate
from bot.storage import migrations as schema
from bot.storage.db import StorageError
from tests.storage_rows import schema_version


async def test_creates_folder_wal_and_schema(tmp_path):
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    async with Storage(path) as st:
        assert await schema_version(st) == len(MIGRATIONS)
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
        assert await schema_version(st) == len(MIGRATIONS)

    async def add_column(db):
        await db.execute("ALTER TABLE users ADD COLUMN note TEXT")

    extended = [*MIGRATIONS, ("users-note", add_column), ("index", "CREATE INDEX users_seen ON users (last_seen);")]
    monkeypatch.setattr(schema, "MIGRATIONS", extended)
    async with Storage(path) as st:
        assert await schema_version(st) == len(MIGRATIONS) + 2
        await st.arrive("telegram", "1", "en")
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


async def test_deleted_rows_are_overwritten_and_a_checkpoint_empties_the_wal(tmp_path):
    path = tmp_path / "bot.sqlite3"
    async with Storage(path) as st:
        async with st.db.execute("PRAGMA secure_delete") as cur:
            assert (await cur.fetchone())[0] == 1  # set by the storage, whatever SQLite's build default
        await st.log_question("telegram", "1", "dấu vết riêng", "vi", "fallback", None, 0)
        assert Path(f"{path}-wal").stat().st_size > 0
        await st.checkpoint()
        assert Path(f"{path}-wal").stat().st_size == 0
    async with Storage(":memory:") as st:
        await st.checkpoint()  # nothing to do, and no error


@pytest.mark.parametrize("content", [os.urandom(4096), b"SQLite format 3\x00" + b"\xff" * 4080, b"garbage " * 512])
async def test_a_database_that_is_not_one_is_a_storage_error_naming_it(tmp_path, content):
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError) as caught:
        await Storage(path).open()
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_bytes() == content  # refused, never rewritten
