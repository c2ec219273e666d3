"""What a behaviour needs to answer one message: who asked, in which language, and the storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers.messages import Delivery, Incoming
from handlers.ports import Store, User
from knowledge.model import KnowledgeBase


@dataclass
class Ctx:
    msg: Incoming
    user: User
    lang: str
    kb: KnowledgeBase
    storage: Store
    retention_days: int
    # how many days the daily backups keep what was deleted (0: no backups), for /privacy
    backup_days: int = 0
    # Administrators: whether this person is one, and the live knowledge base they edit.
    admin: bool = False
    live: Any = None
    # Notifications for the administrators' Telegram group (ADMIN_CHAT_ID); the router attaches
    # them to the reply as quiet deliveries.
    admin_chat: str = ""
    outbox: list = field(default_factory=list)
    admin_names: dict[str, str] = field(default_factory=dict)  # ADMIN_NAMES: "telegram:123" -> name

    def notify_admins(self, text: str) -> None:
        if self.admin_chat:
            self.outbox.append(Delivery("telegram", self.admin_chat, text, quiet=True))

    @property
    def who(self) -> str:
        """How the audit log names a person: "telegram:123"."""
        return f"{self.msg.channel}:{self.msg.user_id}"

    def name_of(self, who: str) -> str:
        """An administrator as officials know them (ADMIN_NAMES), else as recorded."""
        return self.admin_names.get(who, who)

    @property
    def channel(self) -> str:
        return self.msg.channel

    @property
    def user_id(self) -> str:
        return self.msg.user_id

    async def set_state(self, state: dict | None) -> None:
        await self.storage.set_state(self.channel, self.user_id, state)
