"""The Telegram channel, on python-telegram-bot v22: receives by polling or at ``/telegram``.

It only translates: an update becomes an ``Inbound`` for the pipeline (bot/channels/base.py), and
a ``Reply`` becomes messages (HTML with every piece of text escaped, split at 4,096 characters,
options as inline buttons, a menu step edited in place). Only standard Bot API methods are used,
so the bot works against any server that implements them (``TELEGRAM_BASE_URL``).
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import secrets
from typing import Any

from aiohttp import web
from telegram import (
    BotCommand,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.base import (
    Channel,
    Inbound,
    Notice,
    Pipeline,
    Progress,
    Rejected,
    webhook_route,
    with_backoff,
)
from bot.channels.telegram_api import RateLimiter, addressed, failure, keyboard_rows, markup
from bot.channels.webinput import clean
from handlers.help import command_list
from handlers.kbfiles import MAX_UPLOAD
from handlers.messages import Document, Incoming, Reply, split_text, utf16_len
from handlers.texts import t

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # UTF-16 code units, after entity parsing
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def telegram_lang(code: str | None) -> str:
    """Vietnamese unless the person's Telegram is set to English."""
    return "en" if (code or "").lower().startswith("en") else "vi"


class TelegramChannel(Channel):
    """Updates in through PTB's Application (concurrent, each person's in order by the pipeline's
    lock), replies out through its Bot."""

    name = "telegram"

    def __init__(self, pipeline: Pipeline, settings: Any, *, webhook: bool = False,
                 request: BaseRequest | None = None, rate_limiter: BaseRateLimiter | str | None = "default",
                 poll_timeout: float = 10.0, max_concurrent: int = 256, read_timeout: float = 15.0):
        """``request``: the HTTP layer (tests pass a fake); ``rate_limiter=None`` switches limits off;
        ``read_timeout``: how long an answer is awaited (after it, a message may have arrived)."""
        super().__init__(pipeline)
        self.settings = settings
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self.read_timeout = read_timeout
        self.secret = settings.WEBHOOK_SECRET or secrets.token_urlsafe(32)
        self.app = self._build(request, rate_limiter, max_concurrent)

    @staticmethod
    def configuration_error(settings: Any, webhook: bool) -> str | None:
        if not settings.TELEGRAM_BOT_TOKEN:
            return "TELEGRAM_BOT_TOKEN is not set"
        if webhook and not settings.WEBHOOK_URL:
            return f"--webhook needs WEBHOOK_URL (the public https address ending in {WEBHOOK_PATH})"
        return None

    @staticmethod
    def secrets(settings: Any) -> tuple[str, ...]:
        return (settings.TELEGRAM_BOT_TOKEN,)

    def _build(self, request: BaseRequest | None, rate_limiter: BaseRateLimiter | str | None,
               max_concurrent: int) -> Application:
        base_url = self.settings.TELEGRAM_BASE_URL.rstrip("/")
        file_url = base_url[:-3] + "file/bot" if base_url.endswith("/bot") else base_url
        builder = (Application.builder().token(self.settings.TELEGRAM_BOT_TOKEN)
                   .base_url(base_url).base_file_url(file_url).concurrent_updates(max_concurrent))
        if rate_limiter == "default":
            rate_limiter = RateLimiter()
        if rate_limiter is not None:
            builder = builder.rate_limiter(rate_limiter)  # type: ignore[arg-type]
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        else:
            builder = (builder.connect_timeout(10).read_timeout(self.read_timeout).write_timeout(15)
                       .pool_timeout(5).connection_pool_size(64))
        if self.webhook:
            builder = builder.updater(None)
        app = builder.build()
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        app.add_error_handler(self._on_error)
        return app

    # -- receiving -------------------------------------------------------------------------------
    def routes(self) -> dict:
        if not self.webhook:
            return {}
        return {WEBHOOK_PATH: webhook_route("Telegram", SECRET_HEADER, self.secret, self._accept)}

    def _accept(self, data: Any) -> web.Response | None:
        update = Update.de_json(data, self.app.bot) if isinstance(data, dict) else None
        if update is None:
            return None
        self.app.update_queue.put_nowait(update)
        return web.Response(text="ok")

    async def _initialize(self) -> bool:
        try:
            await self.app.initialize()
        except InvalidToken as exc:
            raise Rejected("Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN") from exc
        return True

    async def run(self, stop: asyncio.Event) -> int:
        if not await with_backoff(self._initialize, stop, "reaching the Bot API", (NetworkError,)):
            return 0 if stop.is_set() else 1
        try:
            await self.register_commands()
            await self.app.start()
            if self.webhook:
                await self.app.bot.set_webhook(self.settings.WEBHOOK_URL, secret_token=self.secret,
                                               allowed_updates=ALLOWED_UPDATES)
                log.info("Telegram webhook mode: %s", WEBHOOK_PATH)
            else:
                assert self.app.updater is not None
                await self.app.updater.start_polling(timeout=self.poll_timeout, bootstrap_retries=-1,
                                                     allowed_updates=ALLOWED_UPDATES)
                log.info("Telegram polling started as @%s", self.app.bot.username)
            await stop.wait()
            log.info("Telegram: stopping, finishing replies in progress")
        finally:
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
        return 0

    async def register_commands(self) -> None:
        """The command list in the menu: Vietnamese by default and for Vietnamese clients, English
        for English clients."""
        try:
            for lang, code in (("vi", None), ("vi", "vi"), ("en", "en")):
                commands = [BotCommand(name, description) for name, description in command_list(lang)]
                await self.app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not register the command list: %s", exc)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None or user.is_bot:
            return
        text = msg.text if msg.text is not None else msg.caption  # a photo with a question under it
        if chat.type != ChatType.PRIVATE:
            ours, text = addressed(msg, context.bot.id, context.bot.username or "")
            if not ours:
                return
            if msg.text is not None and not (text or "").strip():
                text = "menu"  # just "@bot": show what it can do
        await self.pipeline.handle(self, Inbound(str(user.id), str(chat.id), text=clean(text),
                                                 lang=telegram_lang(user.language_code),
                                                 name=clean(user.full_name) or "",
                                                 event_id=str(update.update_id), raw=update))

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        if not query.data:
            await _answer(query, None)
            return
        user = query.from_user
        chat = query.message.chat_id if isinstance(query.message, Message) else user.id
        await self.pipeline.handle(self, Inbound(str(user.id), str(chat), action=clean(query.data),
                                                 lang=telegram_lang(user.language_code),
                                                 name=clean(user.full_name) or "",
                                                 event_id=str(update.update_id), raw=update))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)

    async def incoming(self, event: Inbound) -> Incoming | Notice:
        """An administrator's file (a knowledge-base import) is downloaded for the router."""
        msg = event.raw.message if isinstance(event.raw, Update) else None
        admin = (self.name, event.user_id) in self.pipeline.router.admins
        if msg is None or msg.document is None or not admin:
            return await super().incoming(event)
        if (msg.document.file_size or 0) > MAX_UPLOAD:
            return Notice("imp_too_large", {"mb": str(MAX_UPLOAD // 1_000_000)})
        file = await self.app.bot.get_file(msg.document.file_id)
        data = bytes(await file.download_as_bytearray())
        log.info("telegram document from an administrator: %d bytes", len(data))
        return Incoming(self.name, event.user_id, lang=event.lang,
                        document=(msg.document.file_name or "upload", data))

    # -- sending ---------------------------------------------------------------------------------
    # Ops (bot/outbox.py): {"m": "send", "text", "kb", "reply_to"}, {"m": "edit", "message_id",
    # "text", "kb"} (a new message if the edit is refused), {"m": "file", "name", "data", "photo"}.
    async def send(self, event: Inbound, reply: Reply) -> None:
        query = event.raw.callback_query if isinstance(event.raw, Update) else None
        ops: list[dict] = []
        if query is not None:
            await _answer(query, reply.notice or None)
            message = query.message if isinstance(query.message, Message) else None
            if message is not None and reply.edit:
                ops = self._edit_ops(message, reply)
        if not ops:
            ops = self.text_ops(event.address, reply.text, keyboard_rows(reply.options), _reply_to(event))
            for document in reply.documents:
                ops += self.document_ops(event.address, document)
        await self.post(event.address, ops)

    async def notify(self, event: Inbound, text: str, *, toast: bool = False) -> None:
        query = event.raw.callback_query if isinstance(event.raw, Update) else None
        if query is not None:
            await _answer(query, text if toast else None)
            if toast:
                return
        await self.post(event.address, self.text_ops(event.address, text, None, _reply_to(event)))

    async def dropped(self, event: Inbound) -> None:
        if isinstance(event.raw, Update) and event.raw.callback_query is not None:
            await _answer(event.raw.callback_query, None)

    def text_ops(self, address: str, text: str, kb: list | None = None,
                 reply_to: int | None = None) -> list[dict]:
        """The text as one or more messages; buttons under the last part. None for an address that
        is not a Telegram chat id."""
        if not address.lstrip("-").isdigit():
            return []
        parts = [p for p in split_text(text, MAX_MESSAGE, utf16_len) if p.strip()]
        if not parts:
            if not kb:
                return []
            parts = ["…"]
        return [{"m": "send", "text": part, "kb": kb if i == len(parts) - 1 else None,
                 "reply_to": reply_to if i == 0 else None} for i, part in enumerate(parts)]

    def document_ops(self, address: str, document: Document) -> list[dict]:
        if not address.lstrip("-").isdigit():
            return []
        return [{"m": "file", "name": document.name, "photo": document.photo,
                 "data": base64.b64encode(document.data).decode("ascii")}]

    def _edit_ops(self, message: Message, reply: Reply) -> list[dict]:
        """Change the message whose button was pressed; none when a new message is needed instead."""
        if reply.edit == "append":
            base = message.text_html if message.text else ""
            text = f"{base}\n\n{html.escape(reply.text, quote=False)}" if base else \
                html.escape(reply.text, quote=False)
            visible = f"{message.text or ''}\n\n{reply.text}"
        else:
            text = html.escape(reply.text, quote=False)
            visible = reply.text
        if utf16_len(visible) > MAX_MESSAGE:
            return []
        return [{"m": "edit", "message_id": message.message_id, "html": text, "text": reply.text,
                 "kb": keyboard_rows(reply.options)}]

    async def transmit(self, address: str, op: dict) -> None:
        try:
            await self._call(int(address), op)
        except TelegramError as exc:
            raise failure(exc) from exc

    async def _call(self, chat_id: int, op: dict) -> None:
        bot, kind = self.app.bot, op.get("m")
        if kind == "edit":
            try:
                await bot.edit_message_text(op["html"], chat_id=chat_id, message_id=op["message_id"],
                                            parse_mode=ParseMode.HTML, reply_markup=markup(op.get("kb")),
                                            link_preview_options=NO_PREVIEW)
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                log.info("could not edit the message (%s); sending a new one", exc)
            op = {"text": op["text"], "kb": op.get("kb")}
        if kind == "file":
            upload = InputFile(base64.b64decode(op["data"]), filename=op["name"])
            if op.get("photo"):
                await bot.send_photo(chat_id, upload)
            else:
                await bot.send_document(chat_id, upload)
            return
        reply_to = op.get("reply_to")
        await bot.send_message(
            chat_id, html.escape(op["text"], quote=False), parse_mode=ParseMode.HTML,
            reply_markup=markup(op.get("kb")), link_preview_options=NO_PREVIEW,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None else None)

    def progress(self, event: Inbound) -> Progress:
        """One message, edited as the deliveries go."""
        shown: list[Message] = []

        async def show(done: int, total: int, lang: str) -> None:
            text = t("adm_progress", lang, done=str(done), total=str(total))
            try:
                if not shown:
                    shown.append(await self.app.bot.send_message(int(event.address), text))
                else:
                    await self.app.bot.edit_message_text(text, chat_id=int(event.address),
                                                         message_id=shown[0].message_id)
            except TelegramError as exc:
                log.info("could not show delivery progress: %s", exc)

        return show


def _reply_to(event: Inbound) -> int | None:
    """In groups, a reply quotes the message it answers."""
    msg = event.raw.message if isinstance(event.raw, Update) else None
    return msg.message_id if msg is not None and msg.chat.type != ChatType.PRIVATE else None


async def _answer(query: Any, text: str | None) -> None:
    """Stops the button's spinner; a failure here (an old query) must not cost the reply."""
    try:
        await query.answer(text=text[:200] if text else None)
    except TelegramError as exc:
        log.info("could not answer the callback query: %s", exc)
