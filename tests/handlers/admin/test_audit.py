"""The audit log and one record's before and after."""

from __future__ import annotations

from handlers.admin.audit import ACTION_KEYS, action_name
from handlers.texts import TEXTS
from tests.handlers.driver import ADMIN, actions


async def test_admin_menu_and_audit_log(chat):
    menu = await chat.say("/admin")
    assert "Quản trị" in menu.text and "ad:audit" in actions(menu)
    assert "Chưa có" in (await chat.press("ad:audit")).text
    await chat.storage.audit(str(ADMIN), "test", "x", before={"a": 1}, after={"a": 2})
    log = await chat.press("ad:audit")
    assert f"{ADMIN} · test · x" in log.text  # an action without a name shows as recorded
    [row] = await chat.storage.audit_log()
    assert row["before"] == {"a": 1} and row["after"] == {"a": 2}
    detail = await chat.press(f"ad:al:{row['id']}")
    assert "Trước:" in detail.text and '"a": 1' in detail.text and '"a": 2' in detail.text
    assert actions(detail) == ["ad:audit", "ad:menu"]
    missing = await chat.press("ad:al:99999")  # a record that is not there: the log
    assert f"{ADMIN} · test · x" in missing.text


async def test_an_entry_change_in_the_log_reads_as_its_preview(chat):
    for text in ("Phiên bản một.", "Phiên bản hai."):
        await chat.press("ad:ea:resp-so-ngoai-vu")
        await chat.say(text)
        await chat.press("ad:save")
    audit = await chat.press("ad:audit")
    assert "sửa · resp-so-ngoai-vu" in audit.text
    detail = await chat.press(next(a for a in actions(audit) if a.startswith("ad:al:")))
    assert "Cũ: Phiên bản một." in detail.text and "Mới: Phiên bản hai." in detail.text


def test_every_logged_action_has_a_name_in_both_languages():
    named = {key for key in TEXTS if key.startswith("adm_act_")}
    assert set(ACTION_KEYS.values()) == named
    for action in ACTION_KEYS:
        assert action_name(action, "vi") != action_name(action, "en")
