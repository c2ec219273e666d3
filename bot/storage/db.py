"""The SQLite connection, its transactions and the migration runner.

One connection in autocommit mode: every write method commits before it returns, so a reply that
confirms something is only sent once the thing is on disk. Writes that span several statements
run inside ``transaction()``, serialised by a lock so concurrent handlers never interleave them.

The schema is versioned: each migration in ``MIGRATIONS`` is applied once in its own transaction
and recorded in ``schema_version``.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from bot.storage import migrations as schema
from bot.storage.migrations import Migration

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The database cannot be used (corrupt, not a database, unwritable, newer than this code);
    the message names the file, for the CLI to print as one line."""


class Database:
    """The open connection every part of the storage shares; ``path`` may be ``:memory:``."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    async def open(self) -> Self:
        """Connects and migrates; opening an open storage is a no-op, so callers need not track it."""
        async with self._open_lock:
            if self._db is not None:
                return self
            try:
                self._db = await self._connect()
            except (sqlite3.DatabaseError, OSError, StorageError) as exc:
                raise StorageError(f"the database {self.path} cannot be used: {exc}") from exc
            return self

    async def _connect(self) -> aiosqlite.Connection:
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
            # deleted rows are overwritten with zeros, not just unlinked: what a person had
            # deleted cannot be read back from the file's free space
            await db.execute("PRAGMA secure_delete=ON")
            await migrate(db)
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        async with self._open_lock:
            if self._db is not None:
                db, self._db = self._db, None
                await db.close()

    async def __aenter__(self) -> Self:
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

    async def checkpoint(self) -> None:
        """Moves the WAL into the database file and empties it (TRUNCATE): after a deletion the
        old pages would otherwise stay readable in -wal until SQLite reuses that space."""
        if self.path == ":memory:":
            return
        async with self._lock, self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
            row = await cur.fetchone()
        if row is not None and row[0]:
            log.warning("WAL checkpoint incomplete (another connection is reading %s)", self.path)

    async def ping(self) -> bool:
        """For the health check: the database answers a query."""
        async with self.db.execute("SELECT 1") as cur:
            return (await cur.fetchone()) is not None


async def migrate(db: aiosqlite.Connection, migrations: list[tuple[str, Migration]] | None = None) -> int:
    """Applies the migrations this database has not seen yet; returns the resulting version."""
    migrations = schema.MIGRATIONS if migrations is None else migrations
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)")
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    if current > len(migrations):
        raise StorageError(f"database schema version {current} is newer than this code "
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
