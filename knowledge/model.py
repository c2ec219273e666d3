"""The knowledge base as plain data: what the loader produces and the matcher and handlers read."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

LANGS = ("vi", "en")
MAX_SHORT = 40  # characters of a button label: what a phone shows without cutting
CONTACT_DETAIL_FIELDS = ("address", "phone", "email", "website", "hours")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading and indexing create millions of objects that all live on; the cyclic collector
    would scan them over and over while they pile up (a third of the time on a large knowledge
    base) and find nothing to free. Reference counting still frees everything as usual.

    On the way out, what was made goes straight to the oldest generation (freeze then unfreeze
    moves every tracked object there without scanning anything), so the next young collection,
    which would otherwise walk all of it once more, has nothing to do. Nothing is kept from being
    collected: any garbage among it goes at the next full collection. Skipped when the program
    froze objects itself, since unfreezing would hand them back to the collector."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    title: dict[str, str]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    where: str
    where_en: str = ""
    # for the short line under an answer: a short title, who published it, when (YYYY, YYYY-MM or
    # YYYY-MM-DD, as precise as the source says) and its https address when the source gives one
    short: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""

    def when(self) -> str:
        """The date as people read it: 15/05/2023, 6/2025 or 2025."""
        parts = self.date.split("-")
        if len(parts) == 3:
            return f"{parts[2]}/{parts[1]}/{parts[0]}"
        if len(parts) == 2:
            return f"{int(parts[1])}/{parts[0]}"
        return self.date


@dataclass(frozen=True)
class Contact:
    id: str
    name: dict[str, str]
    role: dict[str, str]
    audience: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    sources: tuple[str, ...]
    as_of: dt.date
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    contact: str | None = None
    # where it was defined, for messages: "path:line"
    origin: str = ""
    # kinds of question it answers beyond what its phrasings show (see question_types.yaml)
    answers: tuple[str, ...] = ()
    # a button's label per language (at most MAX_SHORT characters); the full question is title()
    short: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        """The question that stands for this entry in menus and suggestions."""
        qs = self.questions.get(lang) or self.questions["vi"]
        return qs[0]

    def label(self, lang: str) -> str:
        """What a button says: the short title, else the question cut at a word to fit a phone."""
        if self.short.get(lang):
            return self.short[lang]
        title = self.title(lang)
        if len(title) <= MAX_SHORT:
            return title
        return title[:MAX_SHORT - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-") + "…"

    def all_questions(self) -> list[str]:
        return [q for lang in LANGS for q in self.questions.get(lang, ())]


@dataclass(frozen=True)
class SmallTalk:
    id: str
    patterns: tuple[str, ...]
    replies: dict[str, str]
    show_menu: bool = False


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    topics: dict[str, Topic]
    sources: dict[str, Source]
    contacts: dict[str, Contact]
    smalltalk: dict[str, SmallTalk]
    language: dict = field(default_factory=dict)
    # entries an administrator hid: still recognised, so their questions get "I don't know"
    # instead of the nearest neighbouring entry
    hidden: dict[str, Entry] = field(default_factory=dict)

    def topics_in_order(self) -> list[Topic]:
        return sorted(self.topics.values(), key=lambda t: (t.order, t.id))

    def entries_for_topic(self, topic_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic_id]
