"""python-telegram-bot pieces of the Telegram channel that are not about the pipeline: the rate
limiter with retries, inline keyboards, and which group messages are addressed to the bot."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageEntityType
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from handlers.help import COMMANDS
from handlers.messages import Option
from handlers.router import parse_command

log = logging.getLogger(__name__)

MAX_CALLBACK_DATA = 64  # bytes


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
