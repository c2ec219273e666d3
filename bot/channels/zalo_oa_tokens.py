"""The Zalo OA token pair: kept in SQLite, refreshed one at a time, the new pair on disk before use.

Why so careful: Zalo's refresh token works once. Two refreshes at the same moment would spend it
twice (the second fails, and if its answer were stored over the first, the valid pair would be
lost); a pair used before it is committed is lost with the process. So every refresh runs under
one lock, re-reads the stored pair first (someone may have refreshed meanwhile), and commits the
new pair before returning its access token. One process holds the lock: run one bot per OA.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.channels.base import sleep_or_stop
from bot.channels.zalo_oa_api import OAClient, TokenError
from bot.storage.zalo_oa import TokenPair

log = logging.getLogger(__name__)

MARGIN = 600.0  # refresh this long before the access token expires
RETRY_REFRESH = 60.0  # after a failed refresh, the job tries again this much later


class TokenKeeper:
    """``access_token`` hands out a valid token, refreshing when it is due; ``refresh(stale)``
    after Zalo called ``stale`` invalid."""

    def __init__(self, storage: Any, client: OAClient, app_id: str, bootstrap: str = "", *,
                 clock: Callable[[], float] = time.time, margin: float = MARGIN):
        self.storage = storage
        self.client = client
        self.app_id = app_id
        self.bootstrap = bootstrap  # ZALO_OA_REFRESH_TOKEN: used only while the database holds none
        self.clock = clock
        self.margin = margin
        self._lock = asyncio.Lock()
        # aiosqlite logs every statement with its parameters at DEBUG: the token pair among them
        sqlite_log = logging.getLogger("aiosqlite")
        sqlite_log.setLevel(max(sqlite_log.getEffectiveLevel(), logging.INFO))
        self.refreshes = 0  # refreshes made by this process (for the tests and the log)

    async def stored(self) -> TokenPair | None:
        return await (await self.storage.open()).oa_tokens(self.app_id)

    def _fresh(self, pair: TokenPair | None) -> bool:
        return pair is not None and pair.expires_at - self.margin > self.clock()

    async def access_token(self) -> str:
        pair = await self.stored()
        if pair is not None and self._fresh(pair):
            return pair.access_token
        return await self.refresh(pair.access_token if pair else None)

    async def refresh(self, stale: str | None) -> str:
        """A new access token, unless another task replaced ``stale`` meanwhile (then that one)."""
        async with self._lock:
            pair = await self.stored()
            if pair is not None and pair.access_token != stale and self._fresh(pair):
                return pair.access_token
            refresh_token = pair.refresh_token if pair is not None else self.bootstrap
            if not refresh_token:
                raise TokenError("token", None, "no token held: run `python -m bot zalo-oa login`")
            new = await self.client.refresh(refresh_token)
            await self.save(new)
            self.refreshes += 1
            log.info("Zalo OA access token refreshed; valid for %.1f h",
                     (new.expires_at - self.clock()) / 3600)
            return new.access_token

    async def save(self, pair: TokenPair) -> None:
        """Committed before it returns (the old refresh token is already spent)."""
        try:
            await (await self.storage.open()).set_oa_tokens(self.app_id, pair)
        except Exception:
            log.error("Zalo OA: the new token pair could not be stored; a new login will be needed")
            raise

    async def store_login(self, pair: TokenPair) -> None:
        async with self._lock:
            await self.save(pair)
        log.info("Zalo OA login stored; access token valid for %.1f h",
                 (pair.expires_at - self.clock()) / 3600)

    async def keep_fresh(self, stop: asyncio.Event) -> None:
        """The job: refreshes ahead of expiry, so a reply rarely waits for a refresh."""
        while not stop.is_set():
            wait = RETRY_REFRESH
            try:
                pair = await self.stored()
                if pair is not None or self.bootstrap:
                    if pair is None or not self._fresh(pair):
                        await self.refresh(pair.access_token if pair else None)
                        pair = await self.stored()
                    if pair is not None:
                        wait = max(5.0, pair.expires_at - self.margin - self.clock())
            except TokenError as exc:
                log.warning("Zalo OA token refresh failed (%s); trying again in %.0fs", exc, wait)
            except Exception:
                log.exception("Zalo OA token job: unexpected error")
            await sleep_or_stop(stop, min(wait, 3600.0))
