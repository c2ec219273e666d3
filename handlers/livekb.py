"""The knowledge base the bot answers from right now, changed while it runs.

Handlers read ``LiveKB.snap`` (knowledge base, matcher and asker built together); a change from the
chat or a reload builds a complete new snapshot off to the side (the matcher in a worker thread)
and swaps it in with one assignment, so a message is always answered from one consistent
knowledge base, and the next message already sees the change.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field

from handlers.ask import Asker
from handlers.ports import ChangeSet, KbChange, KbVersions, VersionConflict
from knowledge import contacts
from knowledge.loader import FileProblem, validate_dir
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.overlay import Note, Version, fingerprint, merge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    kb: KnowledgeBase
    matcher: Matcher
    asker: Asker
    notes: tuple[Note, ...] = field(default=())


def versions_from_rows(rows: list[dict]) -> list[Version]:
    return [Version(r["entry_id"], r["version"], r["action"], r["data"], r["base"], r["admin"],
                    r["created_at"]) for r in rows]


def merge_all(baseline: KnowledgeBase, versions: list[Version]) -> tuple[KnowledgeBase, list[Note]]:
    """The files with the chat versions of entries, then of contacts, applied."""
    kb, notes = merge(baseline, versions)
    kb, contact_notes = contacts.merge_contacts(kb, baseline, versions)
    return kb, notes + contact_notes


def file_fingerprint(baseline: KnowledgeBase, version_id: str) -> str:
    """The fingerprint of what a stored version was made over: a contact's details or an entry."""
    cid = contacts.contact_of(version_id)
    if cid is not None:
        return contacts.fingerprint(baseline.contacts.get(cid))
    return fingerprint(baseline.entries.get(version_id))


async def merged_kb(baseline: KnowledgeBase, storage: KbVersions) -> tuple[KnowledgeBase, list[Note]]:
    """The files with the stored chat versions applied (``storage`` must be open)."""
    return merge_all(baseline, versions_from_rows(await storage.kb_latest()))


class LiveKB:
    """The baseline (curated files), the current snapshot, and how to rebuild it."""

    def __init__(self, baseline: KnowledgeBase, matcher: Matcher,
                 knowledge_dir: str | os.PathLike | None = None):
        self.baseline = baseline
        self.knowledge_dir = knowledge_dir
        self.snap = Snapshot(baseline, matcher, Asker(baseline, matcher))
        self._base_matcher = matcher
        self._loaded = False
        self._lock = asyncio.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        return self.snap.kb

    @property
    def matcher(self) -> Matcher:
        return self.snap.matcher

    @property
    def asker(self) -> Asker:
        return self.snap.asker

    async def ensure_loaded(self, storage: KbVersions) -> None:
        """Applies the stored chat versions once, before the first message is answered."""
        if not self._loaded:
            async with self._lock:
                if not self._loaded:
                    await self._refresh(storage)
                    self._loaded = True

    async def apply_changes(self, storage: KbVersions, changes: list[KbChange], admin: str,
                            changeset: ChangeSet | None = None) -> list[int]:
        """Saves new versions of entries (all or nothing) and rebuilds; returns their numbers.

        The one optimistic-locking rule: a change is refused with ``VersionConflict`` when someone
        saved a chat version of its entry since it was started (storage checks ``version``) or
        the curated files were reloaded with a different form of the entry (``fp``, checked
        here, against the baseline that the save and rebuild then happen over)."""
        async with self._lock:
            for change in changes:
                if file_fingerprint(self.baseline, change.entry_id) != change.fp:
                    raise VersionConflict(change.entry_id, None)
            numbers = await storage.save_kb_changes(changes, admin, changeset)
            await self._refresh(storage)
        return numbers

    async def _refresh(self, storage: KbVersions) -> Snapshot:
        rows = await storage.kb_latest()
        kb, notes = merge_all(self.baseline, versions_from_rows(rows))
        for note in notes:
            log.warning("knowledge base: chat version %d of %s %s %s", note.version, note.entry_id,
                        note.kind, note.detail)
        entry_rows = [r for r in rows if contacts.contact_of(r["entry_id"]) is None]
        if not entry_rows and kb.entries == self.baseline.entries and self._base_matcher.kb is self.baseline:
            # no entry changed from the chat: no rebuild needed (contact details are not matched on;
            # the asker reads them from ``kb``)
            matcher = self._base_matcher
        else:
            old = self._base_matcher
            matcher = await asyncio.to_thread(Matcher, kb, old.answer_threshold, old.clarify_threshold,
                                              old.calibration)
        self.snap = Snapshot(kb, matcher, Asker(kb, matcher), tuple(notes))
        return self.snap

    async def reload(self, storage: KbVersions) -> list[FileProblem]:
        """Re-reads the curated files. On any problem the running knowledge base stays as it is and
        every problem (file:line: message) is returned; otherwise the new files become the baseline."""
        kb, problems = await asyncio.to_thread(validate_dir, self.knowledge_dir)
        if problems or kb is None:
            return problems
        async with self._lock:
            old = self._base_matcher
            self.baseline = kb
            self._base_matcher = await asyncio.to_thread(Matcher, kb, old.answer_threshold,
                                                         old.clarify_threshold, old.calibration)
            await self._refresh(storage)
        return []
