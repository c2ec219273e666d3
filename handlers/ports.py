"""What the conversation logic needs from storage: the records it reads, and small Protocols the
storage satisfies. Handlers type against these, never against the SQLite class, so ``handlers/``
imports nothing from ``bot/`` and a test can stand in for storage with anything that fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, Self

# How an audit record names a piece of feedback: by row id, never by the reference the citizen was
# given; /xoadulieu replaces it with "feedback:deleted".
FEEDBACK_TARGET = "feedback:{}"
# How long storage keeps who asked a question an entry now answers, for the offer to send it to
# them (/privacy says so).
FOLLOWUP_DAYS = 7


@dataclass(frozen=True)
class User:
    channel: str
    user_id: str
    language: str
    first_seen: float
    last_seen: float
    opted_in: bool


class VersionConflict(Exception):
    """Someone saved a newer version of the entry since this change was started; ``latest`` is it
    (None when the curated files changed instead)."""

    def __init__(self, entry_id: str, latest: dict | None):
        super().__init__(f"entry {entry_id} changed meanwhile")
        self.entry_id = entry_id
        self.latest = latest


@dataclass(frozen=True)
class KbChange:
    """A new version of one entry, and what it was made over: the entry's chat version then
    (``version``) and the fingerprint of its curated-file form then (``fp``). Saving refuses it if
    either moved meanwhile (see ``LiveKB.apply_changes``)."""

    entry_id: str
    action: str  # add | edit | hide | restore | rollback | import_add | import_edit | import_hide
    #              | import_undo | contact_edit | contact_rollback (entry_id "contact:<id>")
    data: dict  # the whole entry after the change, or a contact's details (knowledge/contacts.py)
    version: int
    fp: str
    before: dict | None = None  # the entry before, for the audit log


@dataclass(frozen=True)
class ChangeSet:
    """Changes saved together (an import, the undo of one): one more audit record, written in the
    same transaction as their versions, so a set is never saved without what undoing it needs."""

    action: str
    target: str
    after: dict


@dataclass(frozen=True)
class Stats:
    """The counts behind /stats and the daily digest: questions in the Vietnam-time day, the last 7
    and 30 days; the 30 days' outcomes, most answered entries and ratings; open feedback;
    subscribers to announcements; messages the bot gave up sending in the 30 days, and those
    waiting for a retry now."""

    today: int
    week: int
    month: int
    outcomes: dict[str, int]
    top_entries: list[tuple[str | None, int]]
    up: int
    down: int
    feedback_new: int
    subscribers: int
    undelivered: int = 0
    pending: int = 0


class People(Protocol):
    """Who is writing, their settings and the conversation in progress."""

    async def arrive(self, channel: str, user_id: str, language: str | None = None,
                     max_age: float | None = None) -> tuple[User, dict | None]: ...

    async def get_user(self, channel: str, user_id: str) -> User | None: ...

    async def set_language(self, channel: str, user_id: str, language: str) -> None: ...

    async def set_opted_in(self, channel: str, user_id: str, opted_in: bool) -> None: ...

    async def set_display_name(self, channel: str, user_id: str, name: str) -> None: ...

    async def display_names(self) -> dict[str, str]: ...

    async def set_state(self, channel: str, user_id: str, state: dict | None) -> None: ...

    async def delete_user_data(self, channel: str, user_id: str) -> dict[str, int]: ...


class Questions(Protocol):
    """Questions asked, ratings of answers, and the review queue made of both."""

    async def log_question(self, channel: str, user_id: str, text: str, lang: str, outcome: str,
                           entry_id: str | None, score: float, *, unanswered: bool = False) -> int: ...

    async def rate(self, channel: str, user_id: str, entry_id: str, value: int,
                   question_id: int = 0) -> bool: ...

    async def review_items(self, limit: int = 500) -> list[dict]: ...

    async def review_text(self, refs: list[str]) -> str | None: ...

    async def review_mark(self, refs: list[str], status: str) -> None: ...


class Feedback(Protocol):
    async def add_feedback(self, channel: str, user_id: str, text: str, lang: str,
                           name: str | None = None, email: str | None = None) -> str: ...

    async def feedback_inbox(self, limit: int = 10, offset: int = 0) -> list[dict]: ...

    async def feedback_waiting(self) -> int: ...

    async def feedback_get(self, feedback_id: int) -> dict | None: ...

    async def feedback_set(self, feedback_id: int, status: str, reply: str | None = None) -> None: ...


class FollowUps(Protocol):
    """Who asked the questions of a review group an entry now answers, until they are told (an
    offer: its id is on the administrator's buttons)."""

    async def followup_keep(self, refs: list[str], entry_id: str) -> tuple[str, int]: ...

    async def followup_askers(self, offer: str) -> list[dict]: ...

    async def followup_take(self, offer: str) -> list[dict]: ...


class KbVersions(Protocol):
    """Knowledge-base versions saved from the chat, and the audit log of administrators' actions."""

    async def kb_latest(self) -> list[dict]: ...

    async def kb_history(self, entry_id: str) -> list[dict]: ...

    async def kb_version(self, entry_id: str) -> int: ...

    async def save_kb_changes(self, changes: Sequence[KbChange], admin: str,
                              changeset: ChangeSet | None = None) -> list[int]: ...

    async def audit(self, admin: str, action: str, target: str | None = None,
                    before: object = None, after: object = None) -> None: ...

    async def audit_log(self, limit: int = 20, target: str | None = None,
                        audit_id: int | None = None) -> list[dict]: ...


class Statistics(Protocol):
    async def stats(self, now: float | None = None) -> Stats: ...

    async def daily_outcomes(self, days: int = 30, now: float | None = None) -> list[dict[str, int]]: ...

    async def subscribers(self) -> list[tuple[str, str, str]]: ...


class Store(People, Questions, Feedback, FollowUps, KbVersions, Statistics, Protocol):
    """Everything the Router and the behaviours use; opening an open store does nothing."""

    async def open(self) -> Self: ...

    async def close(self) -> None: ...
