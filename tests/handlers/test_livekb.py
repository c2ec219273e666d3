"""LiveKB.apply_changes: the one save path, and its optimistic-locking rule on versions and files."""

from __future__ import annotations

import dataclasses

import pytest

from bot.storage import Storage
from handlers.livekb import LiveKB
from handlers.ports import KbChange, VersionConflict
from knowledge.overlay import entry_to_dict, fingerprint
from tests.storage_rows import rows

EID = "resp-so-ngoai-vu"


def edit(kb, text: str, version: int = 0, eid: str = EID) -> KbChange:
    data = entry_to_dict(kb.entries[eid])
    data["answer"]["vi"] = text
    return KbChange(eid, "edit", data, version, fingerprint(kb.entries[eid]), entry_to_dict(kb.entries[eid]))


@pytest.fixture
async def live_storage(kb, matcher):
    async with Storage(":memory:") as storage:
        yield LiveKB(kb, matcher), storage


async def test_a_saved_change_is_answered_from_at_once_and_audited(kb, live_storage):
    live, storage = live_storage
    assert await live.apply_changes(storage, [edit(kb, "Bản mới.")], "telegram:1") == [1]
    assert live.kb.entries[EID].answer["vi"] == "Bản mới."
    assert await live.apply_changes(storage, [edit(kb, "Bản thứ ba.", version=1)], "telegram:1") == [2]
    [audit, _] = await storage.audit_log()
    assert (audit["action"], audit["target"], audit["after"]["answer"]["vi"]) == ("edit", EID, "Bản thứ ba.")


async def test_a_change_over_an_older_version_is_refused_with_the_newer_one(kb, live_storage):
    live, storage = live_storage
    await live.apply_changes(storage, [edit(kb, "Của người thứ nhất.")], "telegram:1")
    with pytest.raises(VersionConflict) as refused:
        await live.apply_changes(storage, [edit(kb, "Của người thứ hai.")], "telegram:2")
    assert (refused.value.latest["version"], refused.value.latest["admin"]) == (1, "telegram:1")
    assert live.kb.entries[EID].answer["vi"] == "Của người thứ nhất."


async def test_a_change_made_over_other_file_contents_is_refused(kb, live_storage):
    live, storage = live_storage
    stale = dataclasses.replace(edit(kb, "Bản mới."), fp="the file as it was before a reload")
    with pytest.raises(VersionConflict) as refused:
        await live.apply_changes(storage, [stale], "telegram:1")
    assert refused.value.latest is None
    assert await rows(storage, "kb_versions") == []


async def test_a_batch_is_all_or_nothing(kb, live_storage):
    live, storage = live_storage
    other = next(eid for eid in kb.entries if eid != EID)
    await live.apply_changes(storage, [edit(kb, "Trước.", eid=other)], "telegram:1")
    batch = [edit(kb, "Nhập từ tệp."), edit(kb, "Cũng nhập.", eid=other)]  # other: started at 0, now 1
    with pytest.raises(VersionConflict) as refused:
        await live.apply_changes(storage, batch, "telegram:2")
    assert refused.value.entry_id == other
    assert [r["entry_id"] for r in await rows(storage, "kb_versions")] == [other]
    assert live.kb.entries[EID].answer["vi"] == kb.entries[EID].answer["vi"]
