"""Test doubles for the Telegram channel: Bot API answers recorded in-process (PTB's "Writing
Tests" approach: a BaseRequest subclass) and update builders."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000001
BOT_USERNAME = "thanhhoa_test_bot"
TOKEN = "7000001:TEST-token-never-logged-0123456789"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Thanh Hóa bot", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def bot_api_result(method: str, params: dict, message_ids: Callable[[], int]) -> Any:
    """What a Bot API server answers to each method the bot uses."""
    if method == "getMe":
        return BOT_USER
    if method == "getUpdates":
        return []
    if method == "getFile":
        return {"file_id": params.get("file_id"), "file_unique_id": "u", "file_size": 10,
                "file_path": f"documents/{params.get('file_id')}"}
    if method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
        chat_id = params.get("chat_id")
        message = {
            "message_id": params.get("message_id") or message_ids(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if int(chat_id or 0) > 0 else "group"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        return message
    return True


class FakeRequest(BaseRequest):
    """Records every Bot API call; ``failures[method]`` is a list of HTTP statuses to answer first."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.failures: dict[str, list[int]] = {}
        # files people "uploaded": file_id -> content, served at the Bot API's file URL
        self.files: dict[str, bytes] = {}
        self.on_call: Callable[[str, dict], None] | None = None
        self._ids = itertools.count(1000)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if "/file/bot" in url:
            return 200, self.files.get(endpoint, b"")
        params = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.multipart_data:
            # uploads (sendDocument): keep what was sent, for the test to read back
            params["_files"] = {k: v[1] if isinstance(v, tuple) else v
                                for k, v in request_data.multipart_data.items()}
        pending = self.failures.get(endpoint)
        if pending:
            status = pending.pop(0)
            body: dict = {"ok": False, "error_code": status, "description": f"injected {status}"}
            if status == 429:
                body["parameters"] = {"retry_after": 1}
                body["description"] = "Too Many Requests: retry after 1"
            return status, json.dumps(body).encode()
        result = bot_api_result(endpoint, params, lambda: next(self._ids))
        if isinstance(result, dict) and "message_id" in result:
            params.setdefault("message_id", result["message_id"])  # so tests can press its buttons
        self.calls.append((endpoint, params))
        if self.on_call is not None:
            self.on_call(endpoint, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- reading what the bot did ----------------------------------------------------------------
    def sent(self, endpoint: str = "sendMessage") -> list[dict]:
        return [params for name, params in self.calls if name == endpoint]

    def clear(self) -> None:
        self.calls.clear()


def keyboard_of(params: dict) -> list[list[dict]]:
    markup = params.get("reply_markup")
    if not markup:
        return []
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup.get("inline_keyboard", [])


def callback_data(params: dict) -> list[str]:
    return [button["callback_data"] for row in keyboard_of(params) for button in row]


# -- updates ----------------------------------------------------------------------------------------
def user(user_id: int = 42, lang: str = "vi") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Người dùng", "language_code": lang}


def message(text: str | None = None, *, user_id: int = 42, lang: str = "vi", chat_id: int | None = None,
            chat_type: str = "private", extra: dict | None = None, reply_to: dict | None = None) -> dict:
    chat = {"id": chat_id if chat_id is not None else user_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Nhóm thử"
    msg: dict = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat,
                 "from": user(user_id, lang)}
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}]
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    msg.update(extra or {})
    return {"update_id": next(_update_ids), "message": msg}


def callback(data: str, *, user_id: int = 42, lang: str = "vi", message_id: int = 500,
             text: str = "tin nhắn trước", chat_id: int | None = None) -> dict:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, lang),
            "chat_instance": "ci",
            "data": data,
            "message": {"message_id": message_id, "date": int(time.time()), "from": BOT_USER, "text": text,
                        "chat": {"id": chat_id if chat_id is not None else user_id, "type": "private"}},
        },
    }


def to_update(data: dict, bot: Any) -> Update:
    update = Update.de_json(data, bot)
    assert update is not None
    return update


class AppHarness:
    """A bot built as in production (pipeline, outbound registry, Telegram channel), on a fake
    request layer; subclasses add their own checks in ``feed`` and their own helpers."""

    def _wire(self, router: Any, settings: Any, flood: Any = None, request: FakeRequest | None = None) -> None:
        from bot.channels.base import Outbound, Pipeline
        from bot.channels.telegram import RateLimiter, TelegramChannel
        from bot.runner import flood_guard

        self.router = router
        self.storage = router.storage
        self.outbound = Outbound()
        self.pipeline = Pipeline(router, flood or flood_guard(settings), self.outbound)
        self.request = request or FakeRequest()
        self.channel = TelegramChannel(self.pipeline, settings, request=self.request,
                                       rate_limiter=RateLimiter())
        self.app = self.channel.app

    async def start(self) -> Any:
        await self.storage.open()
        await self.app.initialize()
        self.request.clear()
        return self

    async def stop(self) -> None:
        await self.app.shutdown()
        await self.router.close()

    async def _process(self, data: dict) -> list[tuple[str, dict]]:
        """The Bot API calls one update caused."""
        before = len(self.request.calls)
        await self.app.process_update(to_update(data, self.app.bot))
        return self.request.calls[before:]
