"""SQLite storage (aiosqlite): users, questions, ratings, feedback, the review queue, conversation
state, knowledge-base versions and the outbox of messages to send, in one file shared by every channel.

``Storage`` is one connection (``db.Database``) with one part per concern mixed in; each part is a
module here. Handlers see it only through the Protocols in ``handlers.ports``.
"""

from __future__ import annotations

from bot.storage.db import migrate
from bot.storage.feedback import FeedbackStore
from bot.storage.followups import FollowUpStore
from bot.storage.kb import KbStore
from bot.storage.migrations import MIGRATIONS
from bot.storage.outbox import OutboxStore
from bot.storage.people import PeopleStore
from bot.storage.questions import QuestionStore
from bot.storage.stats import StatsStore
from bot.storage.webchat import WebInboxStore
from bot.storage.zalo_oa import ZaloOAStore
from handlers.ports import Stats, User, VersionConflict

__all__ = ["MIGRATIONS", "Stats", "Storage", "User", "VersionConflict", "migrate"]


class Storage(PeopleStore, QuestionStore, FeedbackStore, FollowUpStore, KbStore, StatsStore, OutboxStore,
              ZaloOAStore, WebInboxStore):
    """All persistence for the bot, on one SQLite file (or ``:memory:``)."""
