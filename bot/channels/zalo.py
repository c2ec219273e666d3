"""The Zalo channel: the same pipeline as Telegram, for Zalo Bot users, on httpx; receives by long
polling or at ``/zalo``.

Zalo's Bot API has no buttons, no callback queries and no message editing, so a reply is rendered
as text with its options numbered (bot/channels/numbered.py), and a message that is just one of
those numbers picks the option. The options of the last reply are kept per person in their own
table (``Storage.pending_options``), beside the flow state the router owns, so a number still
works after a restart. Zalo sends no files: an export is pointed to Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

from aiohttp import web

from bot.channels import numbered, webinput
from bot.channels.base import (
    Channel,
    Inbound,
    Notice,
    Pipeline,
    Rejected,
    sleep_or_stop,
    webhook_route,
    with_backoff,
)
from bot.channels.zalo_api import REJECTED_TOKEN, ZaloAPI, ZaloError, ZaloEvent, parse_update, unwrap
from bot.outbox import SendFailed
from handlers.messages import Incoming, Option, Reply
from handlers.router import STATE_TTL

log = logging.getLogger(__name__)

MAX_MESSAGE = 2000  # sendMessage accepts 1-2,000 characters, counted here in UTF-16 units (the safe reading)
WEBHOOK_PATH = "/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"


def render(reply: Reply) -> str:
    return numbered.render_text_only(reply)


def split_message(text: str) -> list[str]:
    return numbered.parts(text, MAX_MESSAGE)


def webhook_url(settings: Any) -> str:
    """ZALO_WEBHOOK_URL, else Telegram's WEBHOOK_URL with /telegram replaced by /zalo."""
    if settings.ZALO_WEBHOOK_URL:
        return settings.ZALO_WEBHOOK_URL
    base = settings.WEBHOOK_URL.rstrip("/")
    return base[: -len("/telegram")] + WEBHOOK_PATH if base.endswith("/telegram") else ""


class ZaloChannel(Channel):
    """Zalo updates in (each handled in the background, the pipeline keeping one person's in
    order), sendMessage calls out."""

    name = "zalo"

    def __init__(self, pipeline: Pipeline, settings: Any, *, webhook: bool = False,
                 api: ZaloAPI | None = None, poll_timeout: float = 30.0):
        super().__init__(pipeline)
        self.settings = settings
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self.api = api or ZaloAPI(settings.ZALO_BOT_TOKEN, settings.ZALO_BASE_URL)
        self.secret = settings.ZALO_WEBHOOK_SECRET or secrets.token_urlsafe(32)

    @staticmethod
    def configuration_error(settings: Any, webhook: bool) -> str | None:
        if not settings.ZALO_BOT_TOKEN:
            return "ZALO_BOT_TOKEN is not set"
        if webhook and not webhook_url(settings):
            return "Zalo webhook mode needs ZALO_WEBHOOK_URL (or WEBHOOK_URL ending in /telegram)"
        if webhook and not webhook_url(settings).lower().startswith("https://"):
            return "the Zalo webhook URL must be an https:// address (Zalo posts to HTTPS only)"
        return None

    @staticmethod
    def secrets(settings: Any) -> tuple[str, ...]:
        return (settings.ZALO_BOT_TOKEN,)

    # -- receiving -------------------------------------------------------------------------------
    def routes(self) -> dict:
        if not self.webhook:
            return {}
        return {WEBHOOK_PATH: webhook_route("Zalo", SECRET_HEADER, self.secret, self._accept)}

    def _accept(self, body: Any) -> web.Response:
        self.dispatch(body, webinput.MAX_UPDATES)
        return web.json_response({"ok": True})

    def dispatch(self, body: Any, limit: int | None = None) -> int:
        """Handles the updates in ``body`` in the background; returns how many there were. More
        than ``limit``: ``webinput.Refused``, and none is handled."""
        updates = unwrap(body, None if limit is None else limit + 1)
        if limit is not None:
            webinput.check_count(len(updates), limit)
        for update in updates:
            event = parse_update(update)
            if event is None:
                log.debug("zalo update ignored: %s", update.get("event_name") or "no message")
                continue
            self.spawn(self.pipeline.handle(self, inbound(event)))
        return len(updates)


    async def _connect(self) -> dict:
        try:
            me = await self.api.call("getMe", retries=0)
        except ZaloError as exc:
            if exc.code in REJECTED_TOKEN:
                raise Rejected(f"Zalo rejected the bot token ({exc.code}); check ZALO_BOT_TOKEN and "
                               "ZALO_BASE_URL") from exc
            raise
        return me if isinstance(me, dict) else {}

    async def _set_webhook(self) -> bool:
        try:
            await self.api.call("setWebhook",
                                {"url": webhook_url(self.settings), "secret_token": self.secret})
        except ZaloError as exc:
            if exc.code == 400:  # retrying the same request cannot help
                raise Rejected(f"Zalo refused the webhook ({exc.description or 400}); check ZALO_WEBHOOK_URL "
                               "(https, reachable from Zalo) and ZALO_WEBHOOK_SECRET") from exc
            raise
        log.info("Zalo webhook registered: %s", WEBHOOK_PATH)
        return True

    async def run(self, stop: asyncio.Event) -> int:
        me = await with_backoff(self._connect, stop, "reaching the Zalo Bot API", (ZaloError,))
        if me is None:
            return 0 if stop.is_set() else 1
        background: list[asyncio.Task] = []
        try:
            if self.webhook:
                log.info("Zalo webhook mode: %s", WEBHOOK_PATH)
                if await with_backoff(self._set_webhook, stop, "Zalo setWebhook", (ZaloError,)) is None:
                    return 0 if stop.is_set() else 1
            else:
                with contextlib.suppress(ZaloError):  # getUpdates does not work while a webhook is set
                    await self.api.call("deleteWebhook", retries=1)
                background.append(asyncio.create_task(self.poll(stop, self.poll_timeout)))
                name = me.get("account_name") or me.get("display_name") or "-"
                log.info("Zalo polling started as %s", name)
            await stop.wait()
            log.info("Zalo: stopping, finishing replies in progress")
        finally:
            for task in background:
                task.cancel()
            for task in background:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.drain()
            log.info("Zalo channel stopped")
        return 0

    async def poll(self, stop: asyncio.Event, timeout: float = 30.0) -> None:
        """Long polling until ``stop``: errors are logged and retried with backoff, never raised."""
        delay = 1.0
        while not stop.is_set():
            try:
                result = await self.api.call("getUpdates", {"timeout": str(int(timeout))}, retries=0,
                                             timeout=timeout + 10)
            except Exception as exc:  # whatever it is, polling must go on (ZaloError is the usual)
                if isinstance(exc, ZaloError):
                    log.warning("Zalo getUpdates failed (%s); retrying in %.0fs", exc, delay)
                else:
                    log.exception("Zalo polling: unexpected error; retrying in %.0fs", delay)
                await sleep_or_stop(stop, delay)
                delay = min(delay * 2, 60.0)
                continue
            delay = 1.0
            if result is not None:
                self.dispatch(result)

    async def close(self) -> None:
        await self.api.close()

    # -- the numbered options --------------------------------------------------------------------
    def is_tap(self, event: Inbound) -> bool:
        """A typed option number is Zalo's button: reading through the menus is many of them."""
        return super().is_tap(event) or bool(event.text and numbered.NUMBER.fullmatch(event.text))

    async def incoming(self, event: Inbound) -> Incoming | Notice:
        if event.raw == "unsupported":
            return Notice("zalo_unsupported")
        if event.text is not None:
            self.spawn(self._typing(event.address))
        msg = await super().incoming(event)
        if isinstance(msg, Incoming) and msg.text and numbered.NUMBER.fullmatch(msg.text):
            action = numbered.pick(msg.text, await self.pending_options(event.user_id))
            if action is not None:
                return Incoming(self.name, event.user_id, action=action)
        return msg

    async def _typing(self, chat_id: str) -> None:
        """"typing…" while the answer is made; one try, and a failure is only a missing indicator."""
        with contextlib.suppress(ZaloError):
            await self.api.call("sendChatAction", {"chat_id": chat_id, "action": "typing"}, retries=0,
                                timeout=5)

    async def pending_options(self, user_id: str) -> list[str]:
        """The actions of the person's last reply's options; none once STATE_TTL has passed."""
        storage = await self.pipeline.router.storage.open()
        return await storage.pending_options(self.name, user_id, max_age=STATE_TTL)

    async def remember_options(self, user_id: str, options: list[Option]) -> None:
        storage = await self.pipeline.router.storage.open()
        await storage.set_pending_options(self.name, user_id, [o.action for o in options])

    # -- sending ---------------------------------------------------------------------------------
    async def send(self, event: Inbound, reply: Reply) -> None:
        await self.remember_options(event.user_id, reply.options)
        await self.send_text(event.address, render(reply))

    def text_ops(self, address: str, text: str) -> list[dict]:
        """Each part of at most 2,000 characters, one sendMessage each."""
        return [{"text": part} for part in split_message(text)]

    async def transmit(self, address: str, op: dict) -> None:
        try:
            await self.api.call("sendMessage", {"chat_id": address, "text": op["text"]}, retries=0)
        except ZaloError as exc:
            if exc.maybe_sent:
                raise SendFailed("unsure", str(exc)) from exc
            raise SendFailed("retry" if exc.retryable else "refused", str(exc)) from exc


def inbound(event: ZaloEvent) -> Inbound:
    """Ids are cleaned too: unlike Telegram's numbers, Zalo's are strings from the body."""
    clean = webinput.clean
    return Inbound(clean(event.user_id) or "", clean(event.chat_id) or "",
                   text=clean(event.text) if event.kind == "text" else None, event_id=event.message_id,
                   raw=event.kind, name=clean(event.name) or "")
