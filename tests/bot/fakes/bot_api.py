"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for end-to-end tests.

Implements the methods the bot uses (getMe, getUpdates with long polling and offsets, sendMessage,
editMessageText, answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook...), records every
call, and lets a test push updates and wait for the bot's calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

from aiohttp import web

from tests.bot.fakes.server import FakeServer
from tests.bot.fakes.telegram import TOKEN, bot_api_result


class FakeBotAPI(FakeServer):
    def __init__(self, token: str = TOKEN):
        super().__init__(token)
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(5000)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    async def push(self, update: dict) -> None:
        update = dict(update, update_id=next(self._ids))
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"},
                                     status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if self.failures.get(method):
            status = self.failures[method].pop(0)
            await self._record(f"{method}!{status}", params)
            return web.json_response({"ok": False, "error_code": status, "description": f"injected {status}"},
                                     status=status)
        if method == "getUpdates":
            result = await self._get_updates(params)
        else:
            result = bot_api_result(method, params, lambda: next(self._message_ids))
        await self._record(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # short polls keep tests fast

        def pending() -> list[dict]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._new_update:
            if not pending() and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait_for(lambda: bool(pending())), timeout)
            # confirmed updates (below the offset) are forgotten, as Telegram does
            self.updates = pending()
            return list(self.updates)
