"""The Zalo Bot API: the HTTP client (every call checked, retried with backoff and logged
without the token) and the shapes of its updates.

API: ``POST {ZALO_BASE_URL}/bot{token}/{method}`` with JSON; every answer's ``ok`` is checked.
Network errors, 5xx and ``ok: false`` are retried; the token is part of every URL, so it is masked
in anything we log.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

NO_UPDATE = 408  # getUpdates: the long poll ended without an update
# ok:false codes that retrying cannot fix (a bad request, a rejected token, an unknown method)
PERMANENT = frozenset({400, 401, 403, 404})
REJECTED_TOKEN = frozenset({401, 403, 404})
# connections never made: whatever the method, nothing was carried out
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
NOT_REPEATABLE = frozenset({"sendMessage"})  # sent twice, a person reads it twice


class ZaloError(Exception):
    """A call that failed: ``code`` is Zalo's error_code or the HTTP status, None for a network error."""

    def __init__(self, method: str, code: int | None, description: str, maybe_sent: bool = False):
        """``maybe_sent``: the request went out and no answer came, so it may have been carried out."""
        super().__init__(f"{method}: {code if code is not None else 'network'} {description}".strip())
        self.method = method
        self.code = code
        self.description = description
        self.maybe_sent = maybe_sent

    @property
    def retryable(self) -> bool:
        return self.code is None or self.code not in PERMANENT


@dataclass(frozen=True)
class ZaloEvent:
    """One update, reduced to what the bot needs: ``kind`` is "text" or "non_text"."""

    kind: str
    user_id: str
    chat_id: str
    text: str = ""
    name: str = ""  # display_name or first_name: accepted, never stored
    event_name: str = ""
    message_id: str = ""


def unwrap(body: Any, limit: int | None = None) -> list[dict]:
    """Updates in a webhook body or a getUpdates result: bare, wrapped in ``{"ok": true, "result":
    …}``, or a list of either. A wrapped ``ok: false`` holds none. Iterative, so no body reaches a
    recursion limit; at most ``limit`` updates (the caller asks for one more than it allows)."""
    updates: list[dict] = []
    stack: list[Any] = [body]
    while stack and (limit is None or len(updates) < limit):
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "ok" in item and "message" not in item:
                if item.get("ok") is True:
                    stack.append(item.get("result"))
            else:
                updates.append(item)
    return updates


def parse_update(update: dict) -> ZaloEvent | None:
    """None for what the bot does not answer: other senders' bots, group chats, non-message events."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    user_id = str(sender.get("id") or chat.get("id") or "")
    if not user_id or sender.get("is_bot"):
        return None
    if str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE":
        return None  # the Zalo Bot API serves private chats only; anything else is not for us
    event = str(update.get("event_name") or "")
    text = message.get("text")
    if event == "message.text.received" or (not event and isinstance(text, str)):
        kind = "text" if isinstance(text, str) and text.strip() else "non_text"
    elif event.startswith("message."):
        kind = "non_text"
    else:
        return None
    name = str(sender.get("display_name") or sender.get("first_name") or "")
    return ZaloEvent(kind, user_id, str(chat.get("id") or user_id), text if kind == "text" else "",
                     name, event, str(message.get("message_id") or ""))


class ZaloAPI:
    """``call`` returns ``result`` or raises ZaloError after its retries; never logs the token."""

    def __init__(self, token: str, base_url: str, *, retries: int = 3, backoff: float = 0.5,
                 timeout: float = 15.0):
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))

    async def close(self) -> None:
        await self.client.aclose()

    def _mask(self, text: str) -> str:
        return text.replace(self.token, "***") if self.token else text

    async def call(self, method: str, payload: dict | None = None, *, retries: int | None = None,
                   timeout: float | None = None) -> Any:
        """getUpdates returns None when the poll ended without an update (error_code 408)."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        retries = self.retries if retries is None else retries
        extra: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        attempt = 0
        while True:
            try:
                resp = await self.client.post(url, json=payload or {}, **extra)
                error = self._error(method, resp)
                if error is None:
                    return resp.json().get("result")
            except httpx.HTTPError as exc:
                error = ZaloError(method, None, self._mask(f"{type(exc).__name__}: {exc}".rstrip(": ")),
                                  maybe_sent=not isinstance(exc, NOT_SENT))
            if method == "getUpdates" and error.code == NO_UPDATE:
                return None
            if not error.retryable or (error.maybe_sent and method in NOT_REPEATABLE) or attempt >= retries:
                raise error
            delay = self.backoff * 2**attempt
            attempt += 1
            log.warning("Zalo %s failed (%s); retry %d in %.1fs", method, error, attempt, delay)
            await asyncio.sleep(delay)

    def _error(self, method: str, resp: httpx.Response) -> ZaloError | None:
        try:
            body = resp.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True and resp.status_code < 400:
            return None
        if isinstance(body, dict) and "ok" in body:
            code = body.get("error_code")
            return ZaloError(method, int(code) if str(code).lstrip("-").isdigit() else resp.status_code,
                             self._mask(str(body.get("description") or "")))
        return ZaloError(method, resp.status_code if resp.status_code >= 400 else 502,
                         f"HTTP {resp.status_code}, no Bot API answer")
