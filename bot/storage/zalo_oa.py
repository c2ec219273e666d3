"""What the Zalo Official Account channel keeps: its OAuth token pair, logins in progress, and when
each person last wrote (Zalo lets an OA answer for 48 hours and write for 7 days after that)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.storage.db import Database

LOGIN_TTL = 3600.0  # a permission URL not followed within an hour is forgotten


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds
    updated_at: float = 0.0


@dataclass(frozen=True)
class Contact:
    msg_id: str  # the person's last message ('' if none yet: a follow)
    message_at: float  # when they last wrote (0: never)
    updated_at: float  # their last interaction of any kind


class ZaloOAStore(Database):
    async def oa_tokens(self, app_id: str) -> TokenPair | None:
        async with self.db.execute(
                "SELECT access_token, refresh_token, expires_at, updated_at FROM oa_tokens WHERE app_id = ?",
                (app_id,)) as cur:
            row = await cur.fetchone()
        return TokenPair(row[0], row[1], float(row[2]), float(row[3])) if row else None

    async def set_oa_tokens(self, app_id: str, pair: TokenPair) -> None:
        """One statement, committed before it returns: the old refresh token is spent the moment
        Zalo answered, so the new pair must be on disk before anything uses it."""
        await self._write(
            "INSERT INTO oa_tokens (app_id, access_token, refresh_token, expires_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id) DO UPDATE SET access_token = excluded.access_token,"
            " refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,"
            " updated_at = excluded.updated_at",
            (app_id, pair.access_token, pair.refresh_token, pair.expires_at, time.time()))

    async def oa_login_start(self, state: str, verifier: str) -> None:
        now = time.time()
        async with self.transaction() as db:
            await db.execute("DELETE FROM oa_logins WHERE created_at < ?", (now - LOGIN_TTL,))
            await db.execute("INSERT INTO oa_logins (state, verifier, created_at) VALUES (?, ?, ?)",
                             (state, verifier, now))

    async def oa_login_take(self, state: str) -> str | None:
        """The PKCE verifier of a login in progress, used once; None if unknown or too old."""
        async with self._lock, self.db.execute(
                "DELETE FROM oa_logins WHERE state = ? RETURNING verifier, created_at", (state,)) as cur:
            row = await cur.fetchone()
        if row is None or time.time() - float(row[1]) > LOGIN_TTL:
            return None
        return str(row[0])

    async def oa_contact(self, channel: str, user_id: str) -> Contact | None:
        async with self.db.execute(
                "SELECT msg_id, message_at, updated_at FROM oa_contacts WHERE channel = ? AND user_id = ?",
                (channel, user_id)) as cur:
            row = await cur.fetchone()
        return Contact(str(row[0]), float(row[1]), float(row[2])) if row else None

    async def set_oa_contact(self, channel: str, user_id: str, msg_id: str = "",
                             at: float | None = None) -> None:
        """``msg_id``: the person wrote (a new 48-hour window); empty: another interaction (a follow)."""
        now = time.time() if at is None else at
        if msg_id:
            await self._write(
                "INSERT INTO oa_contacts (channel, user_id, msg_id, message_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, user_id) DO UPDATE SET msg_id = excluded.msg_id,"
                " message_at = excluded.message_at, updated_at = excluded.updated_at",
                (channel, user_id, msg_id, now, now))
        else:
            await self._write(
                "INSERT INTO oa_contacts (channel, user_id, msg_id, message_at, updated_at)"
                " VALUES (?, ?, '', 0, ?)"
                " ON CONFLICT (channel, user_id) DO UPDATE SET updated_at = excluded.updated_at",
                (channel, user_id, now))
