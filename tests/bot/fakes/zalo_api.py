"""A fake Zalo Bot API server over real HTTP on 127.0.0.1, for end-to-end tests of
bot/channels/zalo.py.

``POST /bot{token}/{method}`` with JSON, answering ``{"ok": true, "result": …}`` or ``{"ok": false,
"error_code", "description"}`` as the Zalo Bot API documents them: getMe, getUpdates (one update per
call, or error_code 408 after a short wait; refused while a webhook is set), setWebhook (secret
8-256 characters), deleteWebhook, getWebhookInfo, sendMessage (text 1-2,000 characters),
sendChatAction. Records every call; a test pushes updates, injects failures and waits for the bot's
calls.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from aiohttp import web

from bot.settings import Settings
from tests.bot.fakes.server import FakeServer

TOKEN = "zalo-bot-TEST-token-never-logged-98765"
BOT = {"id": "zbot-1", "account_name": "thanhhoa_zalo_bot", "account_type": "BASIC", "can_join_groups": False}


def text_update(text: str, user_id: str = "z100", *, name_key: str = "display_name") -> dict:
    return {"event_name": "message.text.received",
            "message": {"from": {"id": user_id, name_key: "Người dân", "is_bot": False},
                        "chat": {"id": user_id, "chat_type": "PRIVATE"}, "text": text,
                        "message_id": f"m{next(_ids)}", "date": int(time.time() * 1000)}}


def event_update(event_name: str, user_id: str = "z100") -> dict:
    """A non-text event (image, sticker, unsupported)."""
    return {"event_name": event_name,
            "message": {"from": {"id": user_id, "display_name": "Người dân", "is_bot": False},
                        "chat": {"id": user_id, "chat_type": "PRIVATE"}, "message_id": f"m{next(_ids)}",
                        "date": int(time.time() * 1000), "photo_url": "https://example.invalid/p.jpg"}}


_ids = itertools.count(1)


class FakeZaloAPI(FakeServer):
    def __init__(self, token: str = TOKEN):
        super().__init__(token)
        # method -> failures to answer first: an HTTP status (5xx), or ("ok_false", error_code)
        self.fail_all: int | None = None  # every call answers this HTTP status (an outage)
        self.webhook: dict | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    async def push(self, update: dict) -> None:
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()

    def sent(self, chat_id: str | None = None) -> list[str]:
        return [p["text"] for m, p in self.calls
                if m == "sendMessage" and (chat_id is None or p["chat_id"] == chat_id)]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error_code": 400, "description": "body is not JSON"})
        if self.fail_all is not None:
            await self._record(f"{method}!{self.fail_all}", params)
            return web.Response(status=self.fail_all, text="upstream unavailable")
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"})
        if self.failures.get(method):
            failure = self.failures[method].pop(0)
            if isinstance(failure, tuple):
                await self._record(f"{method}!ok_false{failure[1]}", params)
                return web.json_response({"ok": False, "error_code": failure[1], "description": "injected"})
            await self._record(f"{method}!{failure}", params)
            return web.json_response({"ok": False, "error_code": failure, "description": "injected"},
                                     status=failure)
        answer = await self._answer(method, params)
        if answer.get("ok"):
            await self._record(method, params)
        return web.json_response(answer)

    async def _answer(self, method: str, params: dict) -> dict:
        def ok(result: Any) -> dict:
            return {"ok": True, "result": result}

        def error(code: int, description: str) -> dict:
            return {"ok": False, "error_code": code, "description": description}

        if method == "getMe":
            return ok(BOT)
        if method == "getUpdates":
            if self.webhook is not None:
                return error(409, "getUpdates cannot be used while a webhook is set")
            update = await self._next_update(float(params.get("timeout") or 0))
            return ok(update) if update is not None else error(408, "Request timeout")
        if method == "setWebhook":
            secret = str(params.get("secret_token") or "")
            if not params.get("url") or not 8 <= len(secret) <= 256:
                return error(400, "url and a secret_token of 8-256 characters are required")
            self.webhook = {"url": params["url"], "secret_token": secret}
            return ok({"url": params["url"], "updated_at": int(time.time() * 1000)})
        if method == "deleteWebhook":
            self.webhook = None
            return ok({"url": ""})
        if method == "getWebhookInfo":
            return ok(self.webhook or {"url": ""})
        if method == "sendMessage":
            text = params.get("text")
            if not params.get("chat_id") or not isinstance(text, str) or not 1 <= len(text) <= 2000:
                return error(400, "text must be 1-2000 characters")
            return ok({"message_id": f"bm{next(_ids)}", "date": int(time.time() * 1000)})
        if method == "sendChatAction":
            return ok(True)
        return error(404, f"method {method} not found")

    async def _next_update(self, timeout: float) -> dict | None:
        timeout = min(timeout, 0.5)  # short polls keep tests fast
        async with self._new_update:
            if not self.updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._new_update.wait_for(lambda: bool(self.updates)), timeout)
                except TimeoutError:
                    return None
            return self.updates.pop(0) if self.updates else None


def zalo_settings(server: FakeZaloAPI, tmp_path: Any, **extra: Any) -> Settings:
    """Settings for a bot that talks to this fake server."""
    return Settings(ZALO_BOT_TOKEN=TOKEN, ZALO_BASE_URL=server.base_url,
                    BOT_DB_PATH=str(tmp_path / "bot.sqlite3"), **extra)
