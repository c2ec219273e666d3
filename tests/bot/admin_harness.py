"""An in-process Telegram bot with administrators, for the Telegram-specific admin tests."""

from __future__ import annotations

import html

from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.telegram import TOKEN, AppHarness, callback, callback_data, message

ADMIN = 1001
ADMIN2 = 1002
CITIZEN = 42


class AdminHarness(AppHarness):
    """One bot with administrators on one database file."""

    def __init__(self, kb, matcher, db_path, knowledge_dir=None, **settings):
        self.kb, self.matcher, self.db_path, self.knowledge_dir = kb, matcher, db_path, knowledge_dir
        self.settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, ADMIN_IDS=f"{ADMIN},{ADMIN2},zalo:77", **settings)
        self._build()

    def _build(self) -> None:
        router = Router(self.kb, self.matcher, Storage(self.db_path), retention_days=365,
                        admins=self.settings.admins, knowledge_dir=self.knowledge_dir,
                        admin_chat=self.settings.ADMIN_CHAT_ID)
        self._wire(router, self.settings)

    async def feed(self, data: dict) -> list[tuple[str, dict]]:
        calls = await self._process(data)
        for name, params in calls:
            if name in ("sendMessage", "editMessageText"):
                assert "<" not in params["text"] and ">" not in params["text"]
                assert all(len(d.encode()) <= 64 for d in callback_data(params))
        return calls

    async def say(self, text: str, user_id: int = ADMIN, **kw) -> dict:
        """The last message the bot sent (or edited) in reply."""
        calls = await self.feed(message(text, user_id=user_id, **kw))
        return [p for n, p in calls if n in ("sendMessage", "editMessageText")][-1]

    async def press(self, data: str, user_id: int = ADMIN, **kw) -> dict:
        calls = await self.feed(callback(data, user_id=user_id, **kw))
        return [p for n, p in calls if n in ("sendMessage", "editMessageText")][-1]

    async def press_label(self, reply: dict, label_part: str, user_id: int = ADMIN) -> dict:
        """Presses the button under ``reply`` whose label contains ``label_part``."""
        from tests.bot.fakes.telegram import keyboard_of

        for row in keyboard_of(reply):
            for button in row:
                if label_part in button["text"]:
                    return await self.press(button["callback_data"], user_id=user_id)
        raise AssertionError(f"no button with {label_part!r} in {keyboard_of(reply)}")


def text_of(params: dict) -> str:
    return html.unescape(params["text"])
