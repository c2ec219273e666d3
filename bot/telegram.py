"""The Telegram channel: a thin layer on python-telegram-bot v22 around the channel-neutral router.

It only translates: an update becomes an ``Incoming``, a ``Reply`` becomes messages (HTML, every
piece of text escaped, split at 4,096 characters, options as inline buttons). Conversation logic
lives in ``handlers/``; storage in ``bot.storage``. Only standard Bot API methods are used, so the
bot works against any server that implements them (``TELEGRAM_BASE_URL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseRateLimiter,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.lifecycle import install_stop_signals, remove_stop_signals
from bot.settings import Settings
from bot.webserver import WebServer, secret_matches
from handlers.flood import FloodGuard
from handlers.help import COMMANDS, command_list
from handlers.kbfiles import MAX_UPLOAD
from handlers.locks import KeyedLocks
from handlers.messages import Incoming, Option, Reply, split_text, utf16_len
from handlers.router import Router, parse_command
from handlers.texts import t
from handlers.vntime import seconds_until

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_MESSAGE = 4096  # UTF-16 code units, after entity parsing
MAX_CALLBACK_DATA = 64  # bytes
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
PROGRESS_EVERY = 50  # deliveries between progress updates of a broadcast
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Sender = Callable[[str, str], Awaitable[bool]]  # (user id, text) -> delivered


def telegram_lang(code: str | None) -> str:
    """Vietnamese unless the person's Telegram is set to English."""
    return "en" if (code or "").lower().startswith("en") else "vi"


def keyboard(options: list[Option]) -> InlineKeyboardMarkup | None:
    """One button per row, except options sharing a ``row`` key (👍 👎), which sit together."""
    rows: list[list[InlineKeyboardButton]] = []
    last_row = ""
    for option in options:
        if len(option.action.encode()) > MAX_CALLBACK_DATA:
            log.warning("option dropped: callback data over %d bytes: %r", MAX_CALLBACK_DATA, option.action)
            continue
        button = InlineKeyboardButton(option.label, callback_data=option.action)
        if option.row and rows and option.row == last_row:
            rows[-1].append(button)
        else:
            rows.append([button])
        last_row = option.row
    return InlineKeyboardMarkup(rows) if rows else None


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's limits (AIORateLimiter, which also waits out 429s), plus retries with backoff for
    network errors and 5xx answers, so a hiccup delays a reply instead of losing it."""

    def __init__(self, *, network_retries: int = 3, backoff: float = 0.5, **kwargs: Any):
        kwargs.setdefault("max_retries", 3)
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:  # includes TimedOut and 5xx answers
                if attempt >= self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Many people at once, but each person's updates in order (their flow state and replies)."""

    def __init__(self, max_concurrent_updates: int = 256):
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = None
        if isinstance(update, Update):
            if update.effective_user is not None:
                key = update.effective_user.id
            elif update.effective_chat is not None:
                key = update.effective_chat.id
        if key is None:
            await coroutine
            return
        async with self._locks.hold(key):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class TelegramBot:
    """Turns Telegram updates into router calls and router replies into Bot API calls."""

    def __init__(self, router: Router, settings: Settings, flood: FloodGuard | None = None,
                 others: dict[str, Sender] | None = None):
        self.router = router
        self.settings = settings
        # senders for other channels' people (e.g. Zalo's when the channels run together), so an
        # administrator on Telegram can answer a citizen who asked on Zalo
        self.others = others or {}
        self.flood = flood or FloodGuard(settings.FLOOD_MAX_MESSAGES, settings.FLOOD_WINDOW_SECONDS,
                                         settings.FLOOD_MUTE_SECONDS)

    # -- building ------------------------------------------------------------------------------
    def build(self, *, request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None,
              rate_limiter: BaseRateLimiter | str | None = "default", updater: bool = True,
              max_concurrent: int = 256) -> Application:
        """``request``: the HTTP layer (tests pass a fake); ``rate_limiter=None`` switches limits off."""
        base_url = self.settings.TELEGRAM_BASE_URL.rstrip("/")
        file_url = base_url[:-3] + "file/bot" if base_url.endswith("/bot") else base_url
        builder = (Application.builder().token(self.settings.TELEGRAM_BOT_TOKEN)
                   .base_url(base_url).base_file_url(file_url)
                   .concurrent_updates(PerUserUpdateProcessor(max_concurrent)))
        if rate_limiter == "default":
            rate_limiter = RetryingRateLimiter()
        if rate_limiter is not None:
            builder = builder.rate_limiter(rate_limiter)  # type: ignore[arg-type]
        if request is not None:
            builder = builder.request(request)
            builder = builder.get_updates_request(get_updates_request or request)
        else:
            builder = builder.connect_timeout(10).read_timeout(15).write_timeout(15).pool_timeout(5)
            builder = builder.connection_pool_size(64)
        if not updater:
            builder = builder.updater(None)
        app = builder.build()
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        app.add_error_handler(self.on_error)
        return app

    async def register_commands(self, app: Application) -> None:
        """The command list in the menu: Vietnamese by default and for Vietnamese clients, English
        for English clients."""
        try:
            for lang, code in (("vi", None), ("vi", "vi"), ("en", "en")):
                commands = [BotCommand(name, description) for name, description in command_list(lang)]
                await app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not register the command list: %s", exc)

    # -- updates -------------------------------------------------------------------------------
    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None or user.is_bot:
            return
        started = time.perf_counter()
        private = chat.type == ChatType.PRIVATE
        text = msg.text
        if not private:
            addressed, text = self._addressed(msg, context.bot.id, context.bot.username or "")
            if not addressed:
                return
            if msg.text is not None and not (text or "").strip():
                text = "menu"  # just "@bot": show what it can do
        uid, hint = str(user.id), telegram_lang(user.language_code)
        reply_to = None if private else msg.message_id
        verdict = self.flood.check(f"{CHANNEL}:{uid}")
        if verdict == "ignore":
            return
        if verdict == "notice":
            lang = await self.router.language_of(CHANNEL, uid, hint)
            log.info("flood control: user muted for %.0fs", self.flood.mute)
            await self.send(context, chat.id, Reply(t("flood", lang), "info", lang), reply_to)
            return
        if msg.document is not None and (CHANNEL, uid) in self.router.admins:
            await self._on_document(context, msg, uid, hint, reply_to)
            return
        if text is None or not text.strip():
            lang = await self.router.language_of(CHANNEL, uid, hint)
            await self.send(context, chat.id, Reply(t("non_text", lang), "info", lang), reply_to)
            return
        reply = await self.router.handle(Incoming(CHANNEL, uid, text=text, lang=hint))
        await self.deliver(context, reply, chat.id)
        await self.send(context, chat.id, reply, reply_to)
        log.info("telegram message: chat=%s status=%s entry=%s %.1fms", chat.type, reply.status,
                 reply.entry_id or "-", (time.perf_counter() - started) * 1000)

    async def _on_document(self, context: ContextTypes.DEFAULT_TYPE, msg: Message, uid: str, hint: str,
                           reply_to: int | None) -> None:
        """An administrator's file (a knowledge-base import): downloaded, then handled like a message."""
        document = msg.document
        assert document is not None
        if (document.file_size or 0) > MAX_UPLOAD:
            lang = await self.router.language_of(CHANNEL, uid, hint)
            text = t("imp_too_large", lang, mb=str(MAX_UPLOAD // 1_000_000))
            await self.send(context, msg.chat_id, Reply(text, "info", lang), reply_to)
            return
        file = await context.bot.get_file(document.file_id)
        data = bytes(await file.download_as_bytearray())
        name = document.file_name or "upload"
        reply = await self.router.handle(Incoming(CHANNEL, uid, lang=hint, document=(name, data)))
        await self.send(context, msg.chat_id, reply, reply_to)
        log.info("telegram document from an administrator: %d bytes, status=%s", len(data), reply.status)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        uid, hint = str(user.id), telegram_lang(user.language_code)
        verdict = self.flood.check(f"{CHANNEL}:{uid}")
        if verdict != "ok" or not query.data:
            notice = None
            if verdict == "notice":
                notice = t("flood", await self.router.language_of(CHANNEL, uid, hint))
            await self._answer(query, notice)
            return
        reply = await self.router.handle(Incoming(CHANNEL, uid, action=query.data, lang=hint))
        await self.deliver(context, reply, user.id)
        await self._answer(query, reply.notice or None)
        message = query.message if isinstance(query.message, Message) else None
        if message is not None and reply.edit and await self._edit(context, message, reply):
            return
        chat_id = message.chat_id if message is not None else user.id
        await self.send(context, chat_id, reply)
        log.info("telegram option: status=%s entry=%s", reply.status, reply.entry_id or "-")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the traceback; tell the person something went wrong rather than leave them waiting."""
        log.error("error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        lang = telegram_lang(user.language_code if user else None)
        with contextlib.suppress(Exception):
            if user is not None:
                lang = await self.router.language_of(CHANNEL, str(user.id), lang)
        try:
            if update.callback_query is not None:
                with contextlib.suppress(TelegramError):
                    await update.callback_query.answer()
            apology = html.escape(t("error", lang), quote=False)
            await context.bot.send_message(update.effective_chat.id, apology, parse_mode=ParseMode.HTML)
        except Exception:
            log.warning("could not send the apology", exc_info=True)

    # -- rendering -----------------------------------------------------------------------------
    async def send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
                   reply_to: int | None = None) -> None:
        """The reply as one or more messages; buttons under the last part."""
        parts = [p for p in split_text(reply.text, MAX_MESSAGE, utf16_len) if p.strip()]
        markup = keyboard(reply.options)
        if not parts:
            if markup is None:
                return
            parts = ["…"]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            try:
                await context.bot.send_message(
                    chat_id, html.escape(part, quote=False), parse_mode=ParseMode.HTML,
                    reply_markup=markup if last else None, link_preview_options=NO_PREVIEW,
                    reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None and i == 0 else None)
            except Forbidden:
                log.info("the person blocked the bot; reply dropped")
                return
        for doc in reply.documents:
            if doc.photo:
                await context.bot.send_photo(chat_id, InputFile(doc.data, filename=doc.name))
            else:
                await context.bot.send_document(chat_id, InputFile(doc.data, filename=doc.name))

    async def deliver(self, context: ContextTypes.DEFAULT_TYPE, reply: Reply, sender_chat: int) -> None:
        """Messages for other people (an administrator's answer to a citizen, an announcement): sent
        to those on Telegram, paced by the rate limiter; a long run shows its progress to the sender
        every ``PROGRESS_EVERY`` messages, and the sender's reply then says how many arrived."""
        if not reply.deliveries:
            return
        ok = failed = 0
        total = sum(not d.quiet for d in reply.deliveries)
        progress: Message | None = None
        if total > PROGRESS_EVERY:
            progress = await self._progress(context, sender_chat, None, 0, total, reply.lang)
        for done, delivery in enumerate(d for d in reply.deliveries if not d.quiet):
            if done and done % PROGRESS_EVERY == 0:
                progress = await self._progress(context, sender_chat, progress, done, total, reply.lang)
            if delivery.channel != CHANNEL:
                send = self.others.get(delivery.channel)
                delivered = False
                if send is not None:
                    try:
                        delivered = await send(delivery.user_id, delivery.text)
                    except Exception:
                        log.warning("delivery through %s failed", delivery.channel, exc_info=True)
                ok, failed = ok + delivered, failed + (not delivered)
                continue
            if not delivery.user_id.lstrip("-").isdigit():
                failed += 1
                continue
            try:
                for part in split_text(delivery.text, MAX_MESSAGE, utf16_len):
                    await context.bot.send_message(int(delivery.user_id), html.escape(part, quote=False),
                                                   parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
                ok += 1
            except TelegramError as exc:
                log.info("delivery to a person failed: %s", exc)
                failed += 1
        for notice in (d for d in reply.deliveries if d.quiet):
            try:
                await context.bot.send_message(int(notice.user_id), html.escape(notice.text, quote=False),
                                               parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
            except (TelegramError, ValueError) as exc:
                log.warning("could not notify the administrators' chat: %s", exc)
        if total:
            reply.text = f"{reply.text}\n\n{t('adm_delivered', reply.lang, ok=str(ok), failed=str(failed))}"

    @staticmethod
    async def _progress(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message: Message | None,
                        done: int, total: int, lang: str) -> Message | None:
        text = t("adm_progress", lang, done=str(done), total=str(total))
        try:
            if message is None:
                return await context.bot.send_message(chat_id, text)
            await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message.message_id)
        except TelegramError as exc:
            log.info("could not show delivery progress: %s", exc)
        return message

    async def _edit(self, context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply) -> bool:
        """Change the message whose button was pressed; False when a new message is needed instead."""
        if reply.edit == "append":
            base = message.text_html if message.text else ""
            text = f"{base}\n\n{html.escape(reply.text, quote=False)}" if base else \
                html.escape(reply.text, quote=False)
            visible = f"{message.text or ''}\n\n{reply.text}"
        else:
            text = html.escape(reply.text, quote=False)
            visible = reply.text
        if utf16_len(visible) > MAX_MESSAGE:
            return False
        try:
            await context.bot.edit_message_text(
                text, chat_id=message.chat_id, message_id=message.message_id, parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.options), link_preview_options=NO_PREVIEW)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("could not edit the message (%s); sending a new one", exc)
            return False
        return True

    @staticmethod
    async def _answer(query: Any, text: str | None) -> None:
        """Stops the button's spinner; a failure here (an old query) must not cost the reply."""
        try:
            await query.answer(text=text[:200] if text else None)
        except TelegramError as exc:
            log.info("could not answer the callback query: %s", exc)

    @staticmethod
    def _addressed(msg: Message, bot_id: int, username: str) -> tuple[bool, str | None]:
        """In groups: only messages that mention the bot, reply to it, or are our commands.
        Returns whether to answer, and the text without the mention."""
        text = msg.text
        replied = msg.reply_to_message is not None and msg.reply_to_message.from_user is not None \
            and msg.reply_to_message.from_user.id == bot_id
        if text is None:
            return replied, None
        mention = re.compile(rf"@{re.escape(username)}\b", re.IGNORECASE) if username else None
        mentioned = bool(mention and mention.search(text))
        for entity in msg.entities:
            if entity.type == MessageEntityType.TEXT_MENTION and entity.user and entity.user.id == bot_id:
                mentioned = True
        command = parse_command(text)
        if command is not None:
            head = text.split(" ", 1)[0]
            if "@" in head:  # /cmd@SomeBot: ours only if it names us
                return bool(username) and head.split("@", 1)[1].lower() == username.lower(), text
            if command[0] in {name for name, _ in COMMANDS}:
                return True, text
        if mention is not None:
            text = mention.sub("", text).strip()
        return replied or mentioned, text


# -- running -----------------------------------------------------------------------------------
class TokenFilter(logging.Filter):
    """Belt and braces: whatever a library logs, the token never reaches the log."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "***"), None
        return True


def protect_token(token: str) -> None:
    """httpx logs every request URL (which holds the token) at INFO; silence it and filter the rest."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if token:
        token_filter = TokenFilter(token)
        for handler in logging.getLogger().handlers:
            handler.addFilter(token_filter)


def telegram_webhook(app: Application, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """POST /telegram: checks the secret header, queues the update, answers at once."""

    async def handle(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            log.warning("webhook request refused: missing or wrong secret")
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except Exception:
            update = None
        if update is None:
            return web.Response(status=400, text="bad update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    return handle


async def _initialize(app: Application, stop: asyncio.Event) -> bool:
    """getMe until it works: a network problem at start-up is waited out, a bad token is not."""
    delay = 1.0
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken:
            log.error("Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN")
            return False
        except NetworkError as exc:
            log.warning("cannot reach the Bot API (%s); retrying in %.0fs", exc, delay)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 60.0)
    return False


async def _purge_daily(router: Router, days: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            counts = await router.storage.purge_older_than(days)
            if any(counts.values()):
                log.info("retention: deleted %s", {k: v for k, v in counts.items() if v})
        except Exception:
            log.exception("retention purge failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 86400)


DIGEST_HOUR = 8  # the daily digest to ADMIN_CHAT_ID, at 08:00 Vietnam time


def seconds_until_digest(now: float) -> float:
    """Seconds from ``now`` (epoch) to the next 08:00 in Vietnam."""
    return seconds_until(DIGEST_HOUR, now)


async def send_digest(bot: Any, router: Router, chat_id: str) -> None:
    from handlers.admin import digest_text, stats_chart

    text = await digest_text(router.storage, router.kb)
    for part in split_text(text, MAX_MESSAGE, utf16_len):
        await bot.send_message(int(chat_id), html.escape(part, quote=False), parse_mode=ParseMode.HTML)
    chart = await stats_chart(router.storage)
    if chart is not None:
        await bot.send_photo(int(chat_id), InputFile(chart.data, filename=chart.name))


async def _digest_daily(bot: Any, router: Router, chat_id: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds_until_digest(time.time()))
        if stop.is_set():
            return
        try:
            await send_digest(bot, router, chat_id)
            log.info("daily digest sent to the administrators' chat")
        except Exception:
            log.exception("daily digest failed")


async def run_telegram(router: Router, settings: Settings, *, webhook: bool = False,
                       stop: asyncio.Event | None = None, request: BaseRequest | None = None,
                       poll_timeout: float = 10.0, on_ready: Callable[[Any], None] | None = None,
                       others: dict[str, Sender] | None = None) -> int:
    """Runs until SIGINT/SIGTERM (or ``stop``): replies in progress finish, then the database closes."""
    if not settings.TELEGRAM_BOT_TOKEN:
        log.error("TELEGRAM_BOT_TOKEN is not set")
        return 2
    if webhook and not settings.WEBHOOK_URL:
        log.error("--webhook needs WEBHOOK_URL (the public https address ending in %s)", WEBHOOK_PATH)
        return 2
    protect_token(settings.TELEGRAM_BOT_TOKEN)
    stop = stop or asyncio.Event()
    installed = install_stop_signals(stop)
    bot = TelegramBot(router, settings, others=others)
    app = bot.build(request=request, updater=not webhook)
    server: WebServer | None = None
    purge: asyncio.Task | None = None
    digest: asyncio.Task | None = None
    try:
        await router.storage.open()
        purge = asyncio.create_task(_purge_daily(router, settings.DATA_RETENTION_DAYS, stop))
        if not await _initialize(app, stop):
            return 0 if stop.is_set() else 1
        try:
            await bot.register_commands(app)
            await app.start()
            admin_chat = settings.ADMIN_CHAT_ID.strip()
            if admin_chat:
                digest = asyncio.create_task(_digest_daily(app.bot, router, admin_chat, stop))
            if webhook:
                secret = settings.WEBHOOK_SECRET or secrets.token_urlsafe(32)
                server = WebServer(settings.WEBHOOK_LISTEN, settings.WEBHOOK_PORT)
                server.add_post(WEBHOOK_PATH, telegram_webhook(app, secret))
                server.add_health_check("database", router.storage.ping)
                await server.start()
                await app.bot.set_webhook(settings.WEBHOOK_URL, secret_token=secret,
                                          allowed_updates=ALLOWED_UPDATES)
                log.info("Telegram webhook mode: %s", WEBHOOK_PATH)
            else:
                assert app.updater is not None
                await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES,
                                                bootstrap_retries=-1)
                log.info("Telegram polling started as @%s", app.bot.username)
            if on_ready is not None:
                on_ready(server)
            await stop.wait()
            log.info("stopping: finishing replies in progress")
        finally:
            if server is not None:
                await server.stop()
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
    finally:
        for task in (purge, digest):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await router.close()
        remove_stop_signals(installed)
        log.info("stopped; database closed")
    return 0
