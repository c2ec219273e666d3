"""The Zalo channel: the same router as Telegram, for Zalo Bot users, on httpx.

Zalo's Bot API has no buttons, no callback queries and no message editing, so a reply is rendered
as text with its options as a numbered list ("Gõ số 1, 2 hoặc 3 để chọn."), and a message that is
just one of those numbers picks the option. The options of the last reply are kept per person in
their own table (``Storage.pending_options``), beside the flow state the router owns, so a
number still works after a restart. Everything else (commands, flows, questions, storage) is the
router's, exactly as on Telegram.

API: ``POST {ZALO_BASE_URL}/bot{token}/{method}`` with JSON; every answer's ``ok`` is checked.
Network errors, 5xx and ``ok: false`` are retried with backoff and logged; nothing here lets them
stop the bot. The token is part of every URL, so it is masked in anything we log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from aiohttp import web

from bot.lifecycle import install_stop_signals, remove_stop_signals
from bot.settings import Settings
from bot.webserver import WebServer, secret_matches
from handlers.flood import FloodGuard
from handlers.locks import KeyedLocks
from handlers.messages import Incoming, Option, Reply, split_text
from handlers.router import STATE_TTL, Router
from handlers.texts import t

log = logging.getLogger(__name__)

CHANNEL = "zalo"
MAX_MESSAGE = 2000  # sendMessage accepts 1-2,000 characters
WEBHOOK_PATH = "/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
NO_UPDATE = 408  # getUpdates: the long poll ended without an update
# ok:false codes that retrying cannot fix (a bad request, a rejected token, an unknown method)
PERMANENT = frozenset({400, 401, 403, 404})
REJECTED_TOKEN = frozenset({401, 403, 404})
NUMBER = re.compile(r"\s*(\d{1,3})\s*[.)]?\s*")
SEEN_MAX = 5000  # message ids remembered against duplicate deliveries
ROW_WIDTH = 60  # options sharing a row (👍 👎, Gửi / Hủy) go on one line when this short
Sender = Callable[[str, str], Awaitable[bool]]  # (user id, text) -> delivered


class ZaloError(Exception):
    """A call that failed: ``code`` is Zalo's error_code or the HTTP status, None for a network error."""

    def __init__(self, method: str, code: int | None, description: str):
        super().__init__(f"{method}: {code if code is not None else 'network'} {description}".strip())
        self.method = method
        self.code = code
        self.description = description

    @property
    def retryable(self) -> bool:
        return self.code is None or self.code not in PERMANENT


# -- updates -----------------------------------------------------------------------------------
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


def unwrap(body: Any) -> list[dict]:
    """Updates in a webhook body or a getUpdates result: bare, wrapped in ``{"ok": true, "result":
    …}``, or a list of either. A wrapped ``ok: false`` holds none."""
    if isinstance(body, list):
        return [u for item in body for u in unwrap(item)]
    if not isinstance(body, dict):
        return []
    if "ok" in body and "message" not in body:
        return unwrap(body.get("result")) if body.get("ok") is True else []
    return [body]


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


# -- rendering ---------------------------------------------------------------------------------
def number_hint(count: int, lang: str) -> str:
    """"Gõ số 1, 2 hoặc 3 để chọn." — a range once the list is long."""
    if count == 1:
        numbers = "1"
    elif count <= 5:
        numbers = f"{', '.join(str(i) for i in range(1, count))} {t('pick_or', lang)} {count}"
    else:
        numbers = t("pick_range", lang, n=str(count))
    return t("pick_number", lang, numbers=numbers)


def option_lines(options: list[Option]) -> list[str]:
    """One numbered line per option; a short row (👍 👎) stays on one line, as a short choice."""
    lines: list[str] = []
    last_row = ""
    for i, option in enumerate(options, 1):
        label = option.label.removeprefix(f"{i}. ")  # a label that already carries its number
        item = f"{i}. {label}"
        if option.row and lines and option.row == last_row and len(lines[-1]) + len(item) + 3 <= ROW_WIDTH:
            lines[-1] += "   " + item
        else:
            lines.append(item)
        last_row = option.row
    return lines


def numbered_in_place(text: str, options: list[Option]) -> str | None:
    """The text with its own list of the options numbered, when it already lists every one of them
    in order (as "• label" or "1. label" lines: the topics under /start, the suggestions of a
    clarify): the same list twice is noise on a phone. None when it does not."""
    lines = text.split("\n")
    at = 0
    for i, option in enumerate(options, 1):
        label = option.label.removeprefix(f"{i}. ")
        wanted = {f"• {label}", f"{i}. {label}"}
        while at < len(lines) and lines[at].strip() not in wanted:
            at += 1
        if at == len(lines):
            return None
        lines[at] = f"{i}. {label}"
        at += 1
    return "\n".join(lines)


def render(reply: Reply) -> str:
    text = reply.text.strip() or reply.notice
    if not reply.options:
        return text
    hint = number_hint(len(reply.options), reply.lang)
    inline = numbered_in_place(text, reply.options)
    if inline is not None:
        return f"{inline}\n\n{hint}"
    block = "\n".join(option_lines(reply.options))
    return f"{text}\n\n{block}\n\n{hint}".strip()


def split_message(text: str) -> list[str]:
    """Parts of at most 2,000 characters, cut at paragraph, line, sentence, then word boundaries."""
    return [part for part in split_text(text, MAX_MESSAGE) if part.strip()]


# -- the Bot API -------------------------------------------------------------------------------
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
                error = ZaloError(method, None, self._mask(f"{type(exc).__name__}: {exc}".rstrip(": ")))
            if method == "getUpdates" and error.code == NO_UPDATE:
                return None
            if not error.retryable or attempt >= retries:
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


# -- the channel -------------------------------------------------------------------------------
class ZaloBot:
    """Turns Zalo updates into router calls and router replies into sendMessage calls."""

    def __init__(self, router: Router, settings: Settings, api: ZaloAPI | None = None,
                 flood: FloodGuard | None = None, others: dict[str, Sender] | None = None):
        self.router = router
        self.others = others or {}  # senders for people on other channels in this process
        self.settings = settings
        self.api = api or ZaloAPI(settings.ZALO_BOT_TOKEN, settings.ZALO_BASE_URL)
        self.flood = flood or FloodGuard(settings.FLOOD_MAX_MESSAGES, settings.FLOOD_WINDOW_SECONDS,
                                         settings.FLOOD_MUTE_SECONDS)
        self._locks = KeyedLocks()
        self._tasks: set[asyncio.Task] = set()
        # message ids recently handled: a webhook delivered twice (Zalo retrying) is answered once
        self._seen: OrderedDict[str, None] = OrderedDict()

    # -- receiving -----------------------------------------------------------------------------
    def dispatch(self, body: Any) -> int:
        """Handles the updates in ``body`` in the background (one person's in order); returns how many."""
        updates = unwrap(body)
        for update in updates:
            self._spawn(self.handle_update(update))
        return len(updates)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 20.0) -> None:
        """Lets replies in progress finish (shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def handle_update(self, update: dict) -> None:
        """Never raises: a failure is logged and the person gets a short apology."""
        event = parse_update(update)
        if event is None:
            log.debug("zalo update ignored: %s", update.get("event_name") or "no message")
            return
        if event.message_id:
            if event.message_id in self._seen:
                log.info("zalo update ignored: message already handled")
                return
            self._seen[event.message_id] = None
            if len(self._seen) > SEEN_MAX:
                self._seen.popitem(last=False)
        async with self._locks.hold(event.user_id):
            try:
                await self._process(event)
            except Exception:
                log.exception("error while handling a Zalo update")
                with contextlib.suppress(Exception):
                    lang = await self.router.language_of(CHANNEL, event.user_id)
                    await self.send_text(event.chat_id, t("error", lang))

    async def _process(self, event: ZaloEvent) -> None:
        started = time.perf_counter()
        uid = event.user_id
        verdict = self.flood.check(f"{CHANNEL}:{uid}")
        if verdict == "ignore":
            return
        if verdict == "notice" or event.kind != "text":
            lang = await self.router.language_of(CHANNEL, uid)
            if verdict == "notice":
                log.info("flood control: user muted for %.0fs", self.flood.mute)
            await self.send_text(event.chat_id, t("flood" if verdict == "notice" else "non_text", lang))
            return
        msg = Incoming(CHANNEL, uid, text=event.text)
        number = NUMBER.fullmatch(event.text)
        if number:
            pending = await self.pending_options(uid)
            if 1 <= int(number.group(1)) <= len(pending):
                msg = Incoming(CHANNEL, uid, action=pending[int(number.group(1)) - 1])
        reply = await self.router.handle(msg)
        await self.remember_options(uid, reply.options)
        await self.deliver(reply)
        await self.send(event.chat_id, reply)
        log.info("zalo %s: status=%s entry=%s %.1fms", "option" if msg.action else "message",
                 reply.status, reply.entry_id or "-", (time.perf_counter() - started) * 1000)

    # -- the numbered options ------------------------------------------------------------------
    async def pending_options(self, user_id: str) -> list[str]:
        """The actions of the person's last reply's options; none once STATE_TTL has passed."""
        storage = await self.router.storage.open()
        return await storage.pending_options(CHANNEL, user_id, max_age=STATE_TTL)

    async def remember_options(self, user_id: str, options: list[Option]) -> None:
        storage = await self.router.storage.open()
        await storage.set_pending_options(CHANNEL, user_id, [o.action for o in options])

    # -- sending -------------------------------------------------------------------------------
    async def send(self, chat_id: str, reply: Reply) -> bool:
        return await self.send_text(chat_id, render(reply))

    async def send_text(self, chat_id: str, text: str) -> bool:
        return await send_text(self.api, chat_id, text)

    async def deliver(self, reply: Reply) -> None:
        """Messages for other people: an administrator's answer to a citizen, an announcement (the
        sender's reply then says how many arrived), a notice to the administrators' group (quiet:
        not counted). Zalo people get them here; other channels' people through ``others`` (the
        Telegram channel's sender under ``--channel all``), otherwise they count as not delivered."""
        ok = failed = 0
        for delivery in reply.deliveries:
            send = self.send_text if delivery.channel == CHANNEL else self.others.get(delivery.channel)
            delivered = False
            if send is not None:
                try:
                    delivered = await send(delivery.user_id, delivery.text)
                except Exception:
                    log.warning("delivery through %s failed", delivery.channel, exc_info=True)
            if delivery.quiet:
                if not delivered:
                    log.info("notice for %s not sent: not reachable from Zalo", delivery.channel)
                continue
            ok, failed = ok + delivered, failed + (not delivered)
        if ok or failed:
            reply.text += "\n\n" + t("adm_delivered", reply.lang, ok=str(ok), failed=str(failed))
        # Zalo's Bot API sends no files (sendPhoto takes a URL): the /stats chart is left out, as
        # its figures are in the text; an export is pointed to Telegram
        files = [doc.name for doc in reply.documents if not doc.photo]
        if files:
            reply.text += "\n\n" + t("zalo_no_files", reply.lang, names=", ".join(files))

    # -- start-up, polling, webhook ------------------------------------------------------------
    async def connect(self, stop: asyncio.Event) -> dict | None:
        """getMe until it works: an unreachable API is waited out, a rejected token is not."""
        delay = 1.0
        while not stop.is_set():
            try:
                me = await self.api.call("getMe", retries=0)
                return me if isinstance(me, dict) else {}
            except ZaloError as exc:
                if exc.code in REJECTED_TOKEN:
                    log.error("Zalo rejected the bot token (%s); check ZALO_BOT_TOKEN and ZALO_BASE_URL",
                              exc.code)
                    return None
                log.warning("cannot reach the Zalo Bot API (%s); retrying in %.0fs", exc, delay)
            await _sleep(stop, delay)
            delay = min(delay * 2, 60.0)
        return None

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
                await _sleep(stop, delay)
                delay = min(delay * 2, 60.0)
                continue
            delay = 1.0
            if result is not None:
                self.dispatch(result)

    def webhook_handler(self, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        """POST /zalo: checks the secret header (constant time), queues the update, answers at once."""

        async def handle(request: web.Request) -> web.Response:
            if not secret_matches(request.headers.get(SECRET_HEADER), secret):
                log.warning("Zalo webhook request refused: missing or wrong secret")
                return web.Response(status=403, text="forbidden")
            try:
                body = await request.json()
            except Exception:
                return web.Response(status=400, text="bad update")
            self.dispatch(body)
            return web.json_response({"ok": True})

        return handle


async def send_text(api: ZaloAPI, chat_id: str, text: str) -> bool:
    """Each part of at most 2,000 characters in turn; False (logged) if one could not be sent. Also
    the sender other channels use to reach Zalo people (``--channel all``)."""
    for part in split_message(text):
        try:
            await api.call("sendMessage", {"chat_id": chat_id, "text": part})
        except ZaloError as exc:
            log.warning("Zalo message not delivered: %s", exc)
            return False
    return True


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    """Waits ``seconds``, or less if ``stop`` is set meanwhile."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def webhook_url(settings: Settings) -> str:
    """ZALO_WEBHOOK_URL, else Telegram's WEBHOOK_URL with /telegram replaced by /zalo."""
    if settings.ZALO_WEBHOOK_URL:
        return settings.ZALO_WEBHOOK_URL
    base = settings.WEBHOOK_URL.rstrip("/")
    return base[: -len("/telegram")] + WEBHOOK_PATH if base.endswith("/telegram") else ""


async def _register_webhook(bot: ZaloBot, url: str, secret: str, stop: asyncio.Event) -> None:
    delay = 1.0
    while not stop.is_set():
        try:
            await bot.api.call("setWebhook", {"url": url, "secret_token": secret})
            log.info("Zalo webhook registered: %s", WEBHOOK_PATH)
            return
        except ZaloError as exc:
            log.warning("Zalo setWebhook failed (%s); retrying in %.0fs", exc, delay)
        await _sleep(stop, delay)
        delay = min(delay * 2, 60.0)


async def run_zalo(router: Router, settings: Settings, *, webhook: bool = False,
                   stop: asyncio.Event | None = None, poll_timeout: float = 30.0,
                   on_ready: Callable[[WebServer | None], None] | None = None,
                   signals: bool = True, purge: bool = True, close: bool = True,
                   api: ZaloAPI | None = None, others: dict[str, Sender] | None = None) -> int:
    """Runs until SIGINT/SIGTERM (or ``stop``): replies in progress finish, then the database
    closes. Returns 1 when Zalo rejects the token, 2 on a configuration error. ``signals`` and
    ``close`` are off when the process runs another channel that shares them (``--channel all``);
    ``purge``: the daily retention purge of the database."""
    if not settings.ZALO_BOT_TOKEN:
        log.error("ZALO_BOT_TOKEN is not set")
        return 2
    url = webhook_url(settings) if webhook else ""
    if webhook and not url:
        log.error("Zalo webhook mode needs ZALO_WEBHOOK_URL (or WEBHOOK_URL ending in /telegram)")
        return 2
    from bot.telegram import _purge_daily, protect_token

    protect_token(settings.ZALO_BOT_TOKEN)
    stop = stop or asyncio.Event()
    installed = install_stop_signals(stop) if signals else []
    own_api = api is None  # one passed in (``--channel all``) is closed by whoever made it
    bot = ZaloBot(router, settings, api, others=others)
    server: WebServer | None = None
    background: list[asyncio.Task] = []
    try:
        await router.storage.open()
        if purge:
            background.append(asyncio.create_task(_purge_daily(router, settings.DATA_RETENTION_DAYS, stop)))
        me = await bot.connect(stop)
        if me is None:
            return 0 if stop.is_set() else 1
        if webhook:
            secret = settings.ZALO_WEBHOOK_SECRET or secrets.token_urlsafe(32)
            server = WebServer(settings.WEBHOOK_LISTEN, settings.WEBHOOK_PORT)
            server.add_post(WEBHOOK_PATH, bot.webhook_handler(secret))
            server.add_health_check("database", router.storage.ping)
            await server.start()
            background.append(asyncio.create_task(_register_webhook(bot, url, secret, stop)))
            log.info("Zalo webhook mode: %s", WEBHOOK_PATH)
        else:
            with contextlib.suppress(ZaloError):  # getUpdates does not work while a webhook is set
                await bot.api.call("deleteWebhook", retries=1)
            background.append(asyncio.create_task(bot.poll(stop, poll_timeout)))
            log.info("Zalo polling started as %s", me.get("account_name") or me.get("display_name") or "-")
        if on_ready is not None:
            on_ready(server)
        await stop.wait()
        log.info("Zalo: stopping, finishing replies in progress")
    finally:
        if server is not None:
            await server.stop()
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await bot.drain()
        if own_api:
            await bot.api.close()
        if close:
            await router.close()
        remove_stop_signals(installed)
        log.info("Zalo channel stopped")
    return 0
