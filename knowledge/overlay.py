"""Administrators' changes over the curated YAML: how the two combine, as pure functions.

The YAML files are the baseline. A change made from the chat is a *version* of one entry (stored in
SQLite by ``bot.storage``), a complete copy of the entry plus a ``hidden`` flag, together with the
fingerprint of the file's entry it was made over (``base``; empty when the file had no such entry).

The rule, applied at start, after every change and after a reload (``merge``):

* the newest chat version of an entry overrides the file's entry with the same id, as long as the
  file's entry is still the one the administrator saw (same fingerprint);
* when the file's entry has changed since (someone edited the YAML and reloaded or restarted), the
  newer file version supersedes the chat version: the file wins, and a ``Note`` tells the
  administrators, who can roll back to their version from the entry's history — nothing is lost;
* a chat version identical to the file's entry (the merged knowledge base was exported and
  committed) is simply in step: no note;
* an entry removed from the files after a chat change keeps its chat version (noted);
* a chat version the current files cannot support (its topic or source is gone) is not applied
  (noted) and the file's entry, if any, stays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.loader import MAX_ANSWER_CHARS, phrasing_key
from knowledge.model import LANGS, Entry, KnowledgeBase

MAX_PHRASING_CHARS = 300
CHAT_ID_PREFIX = "chat-"
# the versions of contacts share the table (knowledge/contacts.py); entry ids never hold a colon
CONTACT_PREFIX = "contact:"


def entry_to_dict(entry: Entry, hidden: bool = False) -> dict:
    """The JSON form stored in each version (and compared for fingerprints)."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "questions": {lang: list(entry.questions.get(lang, ())) for lang in LANGS},
        "answer": {lang: entry.answer.get(lang, "") for lang in LANGS},
        "sources": list(entry.sources),
        "as_of": entry.as_of.isoformat(),
        "keywords": list(entry.keywords),
        "related": list(entry.related),
        "contact": entry.contact,
        "hidden": hidden,
    }


def entry_from_dict(data: Mapping, origin: str = "chat") -> Entry:
    return Entry(
        id=str(data["id"]),
        topic=str(data["topic"]),
        questions={lang: tuple(data.get("questions", {}).get(lang, ())) for lang in LANGS},
        answer={lang: str(data.get("answer", {}).get(lang) or "") for lang in LANGS},
        sources=tuple(data.get("sources", ())),
        as_of=dt.date.fromisoformat(str(data.get("as_of") or dt.date.today().isoformat())),
        keywords=tuple(data.get("keywords", ())),
        related=tuple(data.get("related", ())),
        contact=data.get("contact"),
        origin=origin,
    )


def content(data: Mapping) -> dict:
    """What an entry says, without the hidden flag: two versions with equal content are in step."""
    return {k: v for k, v in data.items() if k != "hidden"}


def fingerprint(entry: Entry | Mapping | None) -> str:
    """A short hash of an entry's content; "" for no entry."""
    if entry is None:
        return ""
    data = entry_to_dict(entry) if isinstance(entry, Entry) else dict(entry)
    raw = json.dumps(content(data), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Version:
    """One stored chat version of an entry (a row of ``kb_versions``)."""

    entry_id: str
    version: int
    action: str
    data: dict
    base: str
    admin: str
    created_at: float

    @property
    def hidden(self) -> bool:
        return bool(self.data.get("hidden"))


@dataclass(frozen=True)
class Note:
    """Something the administrators must be told about the merge (shown in /admin and on reload)."""

    entry_id: str
    kind: str  # superseded | orphan | invalid
    version: int
    detail: str = ""


@dataclass(frozen=True)
class Problem:
    """A field an administrator typed that cannot be saved; ``key`` is a text key in handlers.texts."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict[str, str]:
        return dict(self.params)


def problem(key: str, **params: object) -> Problem:
    return Problem(key, tuple((k, str(v)) for k, v in params.items()))


def merge(baseline: KnowledgeBase, latest: Iterable[Version]) -> tuple[KnowledgeBase, list[Note]]:
    """The knowledge base people are answered from: the files with the chat versions applied."""
    entries = dict(baseline.entries)
    hidden: dict[str, Entry] = {}
    notes: list[Note] = []
    for version in sorted(latest, key=lambda v: v.entry_id):
        if version.entry_id.startswith(CONTACT_PREFIX):
            continue  # a contact's: knowledge.contacts.merge_contacts
        file_entry = baseline.entries.get(version.entry_id)
        current = fingerprint(file_entry)
        if file_entry is not None and version.base != current:
            if fingerprint(version.data) != current:
                notes.append(Note(version.entry_id, "superseded", version.version))
            elif version.hidden and version.entry_id in entries:
                hidden[version.entry_id] = entries.pop(version.entry_id)  # same content, still hidden
            continue
        if file_entry is None and version.base:
            notes.append(Note(version.entry_id, "orphan", version.version))
        try:
            entry = entry_from_dict(version.data, file_entry.origin if file_entry else "chat")
        except (KeyError, TypeError, ValueError) as exc:
            notes.append(Note(version.entry_id, "invalid", version.version, str(exc)))
            continue
        if file_entry is not None and (file_entry.answers or file_entry.short):
            # the file's question kinds and button labels stay with the entry: not edited in the chat
            entry = dataclasses.replace(entry, answers=file_entry.answers, short=file_entry.short)
        broken = structural_problems(baseline, entry)
        if broken:
            notes.append(Note(version.entry_id, "invalid", version.version,
                              ", ".join(f"{p.key} {p.kwargs()}" for p in broken)))
            continue
        if version.hidden:
            entries.pop(version.entry_id, None)
            hidden[version.entry_id] = entry
        else:
            entries[version.entry_id] = entry
    return dataclasses.replace(baseline, entries=entries, hidden=hidden), notes


def structural_problems(kb: KnowledgeBase, entry: Entry) -> list[Problem]:
    """References the knowledge base must be able to resolve (topic, sources, contact)."""
    problems = []
    if entry.topic not in kb.topics:
        problems.append(problem("adm_err_topic", topic=entry.topic))
    problems += [problem("adm_err_source", source=s) for s in entry.sources if s not in kb.sources]
    if not entry.sources:
        problems.append(problem("adm_err_no_source"))
    if entry.contact and entry.contact not in kb.contacts:
        problems.append(problem("adm_err_contact", contact=entry.contact))
    return problems


def check_answer(text: str) -> list[Problem]:
    if not text.strip():
        return [problem("adm_err_empty_answer")]
    if len(text) > MAX_ANSWER_CHARS:
        return [problem("adm_err_long_answer", n=len(text), max=MAX_ANSWER_CHARS)]
    return []


def phrasing_owner(kb: KnowledgeBase, text: str, entry_id: str) -> Entry | None:
    """Another entry that already has this phrasing (case, accents and punctuation ignored)."""
    key = phrasing_key(text)
    for entry in kb.entries.values():
        if entry.id != entry_id and any(phrasing_key(q) == key for q in entry.all_questions()):
            return entry
    return None


def check_phrasings(kb: KnowledgeBase, phrasings: Iterable[str], entry_id: str) -> list[Problem]:
    problems = []
    for text in phrasings:
        if not phrasing_key(text):
            problems.append(problem("adm_err_no_words", q=text))
        elif len(text) > MAX_PHRASING_CHARS:
            problems.append(problem("adm_err_long_phrasing", q=text[:60], max=MAX_PHRASING_CHARS))
        else:
            owner = phrasing_owner(kb, text, entry_id)
            if owner is not None:
                problems.append(problem("adm_err_taken", q=text, entry=owner.id))
    return problems


def check_entry(kb: KnowledgeBase, data: Mapping) -> list[Problem]:
    """Everything a chat version must satisfy before it is saved (``kb``: the merged knowledge base)."""
    entry = entry_from_dict(data)
    problems = structural_problems(kb, entry)
    if not entry.questions.get("vi"):
        problems.append(problem("adm_err_no_phrasing"))
    problems += check_phrasings(kb, entry.all_questions(), entry.id)
    problems += check_answer(entry.answer["vi"])
    if entry.answer.get("en"):
        problems += check_answer(entry.answer["en"])
    return problems


def new_entry_id(first_phrasing: str, taken: Iterable[str]) -> str:
    """A readable, stable id for an entry created in the chat: chat-<words>[-n]."""
    from knowledge.normalize import fold

    words = re.findall(r"[a-z0-9]+", fold(first_phrasing).lower())
    slug = ""
    for word in words:  # whole words only, up to 32 characters: never "…-doanh-nha"
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > 32:
            break
        slug = longer
    slug = slug or (words[0][:32] if words else "entry")
    base = f"{CHAT_ID_PREFIX}{slug}"
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
