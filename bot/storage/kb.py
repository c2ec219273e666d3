"""Knowledge-base changes made from the chat (one row per version of an entry) and the audit log
of every administrator action. See knowledge/overlay.py for how versions combine with the files."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import aiosqlite

from bot.storage.db import Database
from handlers.ports import ChangeSet, KbChange, VersionConflict

INSERT_AUDIT = ("INSERT INTO audit_log (admin, action, target, before, after, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)")


class KbStore(Database):
    async def audit(self, admin: str, action: str, target: str | None = None,
                    before: object = None, after: object = None) -> None:
        """One audit record (``before``/``after`` as JSON), committed at once."""
        await self._write(INSERT_AUDIT, _audit_row(admin, action, target, before, after))

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

    async def save_kb_changes(self, changes: Sequence[KbChange], admin: str,
                              changeset: ChangeSet | None = None) -> list[int]:
        """Stores version ``change.version + 1`` of each entry, with its audit record, all in one
        transaction; returns the new version numbers. One change or an import's many: one path.

        Optimistic locking on the chat versions: if someone saved a version of any of the entries
        since the change was started, nothing is written and ``VersionConflict`` carries theirs.
        ``change.fp`` is recorded as the file version the change was made over; ``changeset``, if
        given, is audited in the same transaction (an import and what undoing it needs)."""
        numbers: list[int] = []
        async with self.transaction() as db:
            now = time.time()
            for change in changes:
                async with db.execute("SELECT * FROM kb_versions WHERE entry_id = ?"
                                      " ORDER BY version DESC LIMIT 1", (change.entry_id,)) as cur:
                    latest = await cur.fetchone()
                if (latest["version"] if latest else 0) != change.version:
                    raise VersionConflict(change.entry_id, _version_row(latest) if latest else None)
                await db.execute(
                    "INSERT INTO kb_versions (entry_id, version, action, data, base, admin, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (change.entry_id, change.version + 1, change.action,
                     json.dumps(change.data, ensure_ascii=False), change.fp, admin, now))
                # in the same transaction: a version is never without its audit record
                await db.execute(INSERT_AUDIT, _audit_row(admin, change.action, change.entry_id,
                                                          change.before, change.data))
                numbers.append(change.version + 1)
            if changeset is not None:
                await db.execute(INSERT_AUDIT, _audit_row(admin, changeset.action, changeset.target,
                                                          None, changeset.after))
        return numbers


def _version_row(row: aiosqlite.Row) -> dict:
    out = dict(row)
    out["data"] = json.loads(out["data"])
    return out


def _audit_row(admin: str, action: str, target: str | None, before: object, after: object) -> tuple:
    return admin, action, target, _json_or_none(before), _json_or_none(after), time.time()


def _json_or_none(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
