"""Knowledge-base versions saved from the chat, their optimistic locking, and the audit log."""

from __future__ import annotations

import pytest

from bot.storage import Storage, VersionConflict
from handlers.ports import ChangeSet, KbChange


def change(eid: str, version: int, text: str, action: str = "edit") -> KbChange:
    return KbChange(eid, action, {"id": eid, "answer": {"vi": text}}, version, "fp", {"id": eid})


async def test_versions_history_latest_and_audit():
    async with Storage(":memory:") as st:
        assert await st.save_kb_changes([change("a", 0, "một"), change("b", 0, "hai")], "telegram:1") == [1, 1]
        assert await st.save_kb_changes([change("a", 1, "ba", "rollback")], "telegram:2") == [2]
        assert (await st.kb_version("a"), await st.kb_version("b"), await st.kb_version("c")) == (2, 1, 0)
        assert [(v["entry_id"], v["version"], v["data"]["answer"]["vi"]) for v in await st.kb_latest()] == [
            ("a", 2, "ba"), ("b", 1, "hai")]
        assert [(v["version"], v["action"], v["admin"], v["base"]) for v in await st.kb_history("a")] == [
            (1, "edit", "telegram:1", "fp"), (2, "rollback", "telegram:2", "fp")]
        newest = (await st.audit_log(1))[0]
        assert (newest["action"], newest["target"], newest["before"]) == ("rollback", "a", {"id": "a"})
        assert [row["target"] for row in await st.audit_log(target="b")] == ["b"]
        assert (await st.audit_log(audit_id=newest["id"]))[0] == newest


async def test_a_stale_change_writes_nothing_and_names_the_newer_version():
    async with Storage(":memory:") as st:
        await st.save_kb_changes([change("a", 0, "một")], "telegram:1")
        with pytest.raises(VersionConflict) as refused:
            await st.save_kb_changes([change("b", 0, "hai"), change("a", 0, "cũ")], "telegram:2")
        assert (refused.value.entry_id, refused.value.latest["admin"]) == ("a", "telegram:1")
        assert [v["entry_id"] for v in await st.kb_latest()] == ["a"]
        assert len(await st.audit_log()) == 1


async def test_a_change_set_is_audited_with_its_versions_or_not_at_all():
    async with Storage(":memory:") as st:
        summary = ChangeSet("import", "import:0a1b2c3d", {"undo": {"a": {"version": 1}}})
        await st.save_kb_changes([change("a", 0, "một", "import_edit")], "telegram:1", summary)
        newest = (await st.audit_log(1))[0]
        assert (newest["action"], newest["target"], newest["after"]) == ("import", "import:0a1b2c3d",
                                                                         {"undo": {"a": {"version": 1}}})
        with pytest.raises(VersionConflict):
            await st.save_kb_changes([change("b", 0, "hai"), change("a", 0, "cũ")], "telegram:2",
                                     ChangeSet("import", "import:ffffffff", {}))
        assert await st.audit_log(target="import:ffffffff") == []
        assert len(await st.audit_log()) == 2


async def test_audit_records_any_action_with_json_before_and_after():
    async with Storage(":memory:") as st:
        await st.audit("telegram:1", "broadcast", None, None, {"text": "Thông báo", "to": 3})
        [row] = await st.audit_log()
    assert (row["admin"], row["action"], row["target"], row["before"]) == ("telegram:1", "broadcast", None, None)
    assert row["after"] == {"text": "Thông báo", "to": 3}
