"""A fake Zalo Official Account platform over real HTTP on 127.0.0.1: the OAuth token endpoint
(PKCE codes, single-use refresh tokens) and ``/v3.0/oa/message/cs`` (checks the access token,
answers -216 for an invalid one and -230 outside the 7-day window), as Zalo documents them; plus
the webhook events Zalo would post, signed the way Zalo signs them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web

from tests.bot.fakes.server import FakeServer

APP_ID = "4300000000000000001"
APP_SECRET = "oa-app-SECRET-never-logged-111"
SECRET_KEY = "oa-webhook-KEY-never-logged-222"
OA_ID = "oa-555"
_ids = itertools.count(1)


def text_event(text: str, user_id: str = "u100", *, msg_id: str | None = None, at: float | None = None,
               event_name: str = "user_send_text") -> dict:
    stamp = str(int((time.time() if at is None else at) * 1000))
    return {"app_id": APP_ID, "user_id_by_app": f"app-{user_id}", "event_name": event_name,
            "sender": {"id": user_id}, "recipient": {"id": OA_ID}, "timestamp": stamp,
            "message": {"text": text, "msg_id": msg_id or f"mid{next(_ids)}"}}


def follow_event(user_id: str = "u100") -> dict:
    return {"app_id": APP_ID, "oa_id": OA_ID, "event_name": "follow", "source": "testing",
            "follower": {"id": user_id}, "timestamp": str(int(time.time() * 1000))}


def other_event(event_name: str, user_id: str = "u100") -> dict:
    return {"app_id": APP_ID, "event_name": event_name, "sender": {"id": user_id}, "recipient": {"id": OA_ID},
            "timestamp": str(int(time.time() * 1000)),
            "message": {"msg_id": f"mid{next(_ids)}", "attachments": [{"type": "image", "payload": {}}]}}


def signed(event: Any, *, key: str = SECRET_KEY) -> tuple[bytes, dict[str, str]]:
    """The body and headers Zalo would post for ``event``."""
    raw = json.dumps(event, ensure_ascii=False).encode()
    stamp = str(event.get("timestamp", "")) if isinstance(event, dict) else ""
    mac = hashlib.sha256(APP_ID.encode() + raw + stamp.encode() + key.encode()).hexdigest()
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


class FakeZaloOA(FakeServer):
    def __init__(self) -> None:
        super().__init__(APP_SECRET)
        self.access_tokens: set[str] = set()  # valid now
        self.refresh_tokens: set[str] = set()  # each works once
        self.codes: dict[str, str] = {}  # authorization code -> its PKCE challenge
        self.stale_users: set[str] = set()  # no interaction for 7 days: -230
        self.token_answer: Any = None  # answer the token endpoint with this instead (garbage, errors)
        self.refresh_delay = 0.0
        self.refreshes = 0
        self.spent: list[str] = []  # refresh tokens presented again after their use
        self.messages: dict[str, str] = {}  # msg_id -> the person who wrote it (posted events)

    async def post(self, url: str, event: Any, *, headers: dict[str, str] | None = None) -> int:
        """Posts ``event`` to the bot's webhook as Zalo would (signed unless ``headers`` say
        otherwise); the HTTP status the bot answered."""
        raw, signed_headers = signed(event)
        if isinstance(event, dict) and isinstance(event.get("message"), dict):
            self.messages[str(event["message"].get("msg_id"))] = str((event.get("sender") or {}).get("id"))
        async with aiohttp.ClientSession() as session, session.post(
                url, data=raw, headers=signed_headers if headers is None else headers) as resp:
            return resp.status

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_post("/v3.0/oa/message/cs", self._cs)

    def issue(self) -> dict[str, str]:
        pair = {"access_token": f"AT-{secrets.token_hex(8)}", "refresh_token": f"RT-{secrets.token_hex(8)}",
                "expires_in": "90000"}  # Zalo sends the number as a string
        self.access_tokens.add(pair["access_token"])
        self.refresh_tokens.add(pair["refresh_token"])
        return pair

    def grant_code(self, challenge: str) -> str:
        code = f"code-{next(_ids)}"
        self.codes[code] = challenge
        return code

    def expire_access_tokens(self) -> None:
        self.access_tokens.clear()

    def sent(self, user_id: str | None = None) -> list[str]:
        return [p["message"]["text"] for m, p in self.calls if m == "cs" and
                (user_id is None or self._user_of(p["recipient"]) == user_id)]

    def _user_of(self, recipient: dict) -> str:
        if recipient.get("anonymous_id"):  # an anonymous conversation needs both ids
            return f"anonymous:{recipient['anonymous_id']}" if recipient.get("conversation_id") else ""
        return str(recipient.get("user_id") or self.messages.get(str(recipient.get("message_id")), ""))

    def recipients(self) -> list[dict]:
        return [p["recipient"] for m, p in self.calls if m == "cs"]

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        if self.token_answer is not None:
            await self._record("token!", form)
            answer = self.token_answer
            return web.json_response(answer) if isinstance(answer, dict) else web.Response(text=str(answer))
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return web.json_response({"error": -14002, "error_name": "Invalid app secret"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            challenge = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier") or "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge is None or digest != challenge:
                return web.json_response({"error": -14019, "error_name": "Invalid code verifier"})
        elif grant == "refresh_token":
            token = str(form.get("refresh_token"))
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            if token not in self.refresh_tokens:
                self.spent.append(token)
                return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
            self.refresh_tokens.discard(token)  # single use
            self.refreshes += 1
        else:
            return web.json_response({"error": -14001, "error_name": "Invalid grant_type"})
        await self._record("token", {"grant_type": grant})
        return web.json_response(self.issue())

    async def _cs(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": -201, "message": "body is not JSON"})
        if request.headers.get("access_token") not in self.access_tokens:
            await self._record("cs!-216", body)
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if self.failures.get("cs"):
            status = self.failures["cs"].pop(0)
            await self._record(f"cs!{status}", body)
            return web.Response(status=status, text="upstream unavailable")
        recipient = body.get("recipient") or {}
        user = self._user_of(recipient)
        text = (body.get("message") or {}).get("text")
        if user in self.stale_users:
            await self._record("cs!-230", body)
            return web.json_response({"error": -230, "message": "User has not interacted in 7 days"})
        if not user or not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        await self._record("cs", body)
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"message_id": f"oam{next(_ids)}", "user_id": user}})
