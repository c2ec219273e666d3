"""python-telegram-bot pieces of the Telegram channel that are not about the pipeline: the rate
limiter, what a Bot API error means for the outbox, inline keyboards, and which group messages
are addressed to the bot."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageEntityType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter

from bot.outbox import SendFailed
from handlers.help import COMMANDS
from handlers.messages import Option
from handlers.router import parse_command

log = logging.getLogger(__name__)

MAX_CALLBACK_DATA = 64  # bytes


def keyboard_rows(options: list[Option]) -> list[list[list[str]]]:
    """Buttons as [label, callback data] rows, storable in the outbox: one per row, except
    options sharing a ``row`` key (👍 👎), which sit together."""
    rows: list[list[list[str]]] = []
    last_row = ""
    for option in options:
        if len(option.action.encode()) > MAX_CALLBACK_DATA:
            log.warning("option dropped: callback data over %d bytes: %r", MAX_CALLBACK_DATA, option.action)
            continue
        button = [option.label, option.action]
        if option.row and rows and option.row == last_row:
            rows[-1].append(button)
        else:
            rows.append([button])
        last_row = option.row
    return rows


def markup(rows: list | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


def keyboard(options: list[Option]) -> InlineKeyboardMarkup | None:
    return markup(keyboard_rows(options))


class RateLimiter(AIORateLimiter):
    """Telegram's limits (30 messages a second, 20 a minute per group). A 429 is waited out here
    twice (it certainly did not arrive), then left to the outbox, which tries again later; that
    last one is logged as one line, not PTB's traceback. Nothing else is retried here: a request
    that timed out may have arrived, and only the outbox decides what is sent again."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_retries", 2)
        super().__init__(**kwargs)


# Only connections never made (and answers saying no) prove a request did not arrive.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def failure(exc: TelegramError) -> SendFailed:
    """What a Bot API error means for the outbox: try again, never again, or it may have arrived."""
    if isinstance(exc, RetryAfter):
        wait = getattr(exc, "_retry_after", None)  # the public one warns of a type change
        return SendFailed("retry", str(exc), wait.total_seconds() if isinstance(wait, dt.timedelta) else 5.0)
    if isinstance(exc, (Forbidden, BadRequest, InvalidToken, ChatMigrated)):
        return SendFailed("refused", str(exc))
    if isinstance(exc, NetworkError):  # TimedOut is one
        cause = exc.__cause__
        if cause is None and not isinstance(exc, TimedOut):
            return SendFailed("retry", str(exc))  # the server answered 5xx: it took nothing
        if isinstance(cause, NOT_SENT):
            return SendFailed("retry", str(exc))
        return SendFailed("unsure", str(exc) or type(exc).__name__)
    return SendFailed("refused", str(exc))


class _QuietFilter(logging.Filter):
    """PTB logs a 429 it stops waiting out with a traceback; the outbox retries it: one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and "Rate limit hit after maximum" in str(record.msg):
            record.exc_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_RATE_LOG = logging.getLogger("telegram.ext.AIORateLimiter")
_RATE_LOG.addFilter(_QuietFilter())


def addressed(msg: Message, bot_id: int, username: str) -> tuple[bool, str | None]:
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
