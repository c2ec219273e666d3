"""Contacts edited from the chat: checked, previewed, versioned, audited, shown at once, rolled back.

Every value here is obviously fake (0237 3 000 000, example.org): no real contact detail is known.
"""

from __future__ import annotations

from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import CITIZEN, ChatDriver, actions, labels

PHONE = "0237 3 000 000"
EMAIL = "lienhe@example.org"
CID = "so-ngoai-vu"


async def edit(chat: ChatDriver, field: str, value: str):
    await chat.press(f"ad:cte:{CID}:{field}")
    preview = await chat.say(value)
    assert "ad:save" in actions(preview), preview.text
    return await chat.press("ad:save")


async def test_the_menu_leads_to_every_contact_and_its_details(chat, kb):
    menu = await chat.say("/admin")
    assert "📇 Danh bạ liên hệ" in labels(menu)
    listed = await chat.press("ad:ct")
    assert {f"ad:ctv:{cid}" for cid in kb.contacts} <= set(actions(listed))
    view = await chat.press(f"ad:ctv:{CID}")
    assert "Sở Ngoại vụ" in view.text and "Điện thoại: (chưa có)" in view.text
    assert {f"ad:cte:{CID}:phone", f"ad:cte:{CID}:email", f"ad:cth:{CID}"} <= set(actions(view))


async def test_a_phone_saved_in_the_chat_shows_in_lienhe_and_under_answers(chat):
    before = await chat.say("/lienhe", CITIZEN)
    assert PHONE not in before.text
    await chat.press(f"ad:cte:{CID}:phone")
    preview = await chat.say(PHONE)
    assert "Điện thoại: (chưa có) → 0237 3 000 000" in preview.text
    saved = await chat.press("ad:save")
    assert "Đã lưu phiên bản 1" in saved.text and f"ad:ctr:{CID}:0" in actions(saved)
    assert f"Điện thoại: {PHONE}" in (await chat.say("/lienhe", CITIZEN)).text
    answer = await chat.say(ASK, CITIZEN)
    assert answer.status == "answer" and f"Điện thoại: {PHONE}" in answer.text
    await chat.restart()  # stored, not only in memory
    assert f"Điện thoại: {PHONE}" in (await chat.say("/lienhe", CITIZEN)).text


async def test_a_value_that_fails_is_shown_back_and_nothing_is_saved(chat):
    for field, bad, hint in (("phone", "12345", "không phải số điện thoại Việt Nam"),
                             ("email", "lienhe.example.org", "không phải địa chỉ e-mail"),
                             ("website", "http://example.org", "cần bắt đầu bằng https://"),
                             ("website", "example.org", "cần bắt đầu bằng https://")):
        await chat.press(f"ad:cte:{CID}:{field}")
        refused = await chat.say(bad)
        assert "Chưa lưu được" in refused.text and hint in refused.text and bad in refused.text
        assert "ad:save" not in actions(refused)
        assert await chat.storage.kb_history(f"contact:{CID}") == []
        await chat.press("cancel")
    assert "(chưa có)" in (await chat.press(f"ad:ctv:{CID}")).text
    # the same step takes a good value after a bad one
    await chat.press(f"ad:cte:{CID}:website")
    await chat.say("http://example.org")
    await chat.say("https://example.org/lien-he")
    assert "Đã lưu" in (await chat.press("ad:save")).text


async def test_phone_formats_officials_use_are_accepted(chat):
    saved = await edit(chat, "phone", "+84 237 3 000 000; 1900 0000")
    assert "Đã lưu" in saved.text
    assert "+84 237 3 000 000; 1900 0000" in (await chat.press(f"ad:ctv:{CID}")).text


async def test_history_rollback_and_audit(chat):
    await edit(chat, "phone", PHONE)
    await edit(chat, "email", EMAIL)
    history = await chat.press(f"ad:cth:{CID}")
    assert "v1" in history.text and "(Điện thoại)" in history.text and "(E-mail)" in history.text
    assert f"ad:ctr:{CID}:0" in actions(history) and f"ad:ctr:{CID}:1" in actions(history)
    preview = await chat.press(f"ad:ctr:{CID}:1")
    assert f"E-mail: {EMAIL} → (chưa có)" in preview.text
    await chat.press("ad:save")
    lienhe = (await chat.say("/lienhe", CITIZEN)).text
    assert PHONE in lienhe and EMAIL not in lienhe
    assert "(→ v1)" in (await chat.press(f"ad:cth:{CID}")).text
    await chat.press(f"ad:ctr:{CID}:0")
    await chat.press("ad:save")
    assert PHONE not in (await chat.say("/lienhe", CITIZEN)).text
    log = await chat.storage.audit_log(10, target=f"contact:{CID}")
    assert [r["action"] for r in log] == ["contact_rollback", "contact_rollback", "contact_edit", "contact_edit"]
    detail = await chat.press(f"ad:al:{log[-1]['id']}")
    assert f"Điện thoại: (chưa có) → {PHONE}" in detail.text
    assert "sửa thông tin liên hệ" in (await chat.press("ad:audit")).text


async def test_clearing_a_detail_and_a_concurrent_edit(chat):
    await edit(chat, "phone", PHONE)
    await chat.press(f"ad:cte:{CID}:phone")
    cleared = await chat.press("ad:skip")
    assert f"Điện thoại: {PHONE} → (chưa có)" in cleared.text
    from tests.handlers.driver import ADMIN2
    await edit_as(chat, ADMIN2, "email", EMAIL)
    refused = await chat.press("ad:save")
    assert "Chưa lưu" in refused.text and "phiên bản 2" in refused.text
    assert PHONE in (await chat.say("/lienhe", CITIZEN)).text


async def edit_as(chat: ChatDriver, who, field: str, value: str) -> None:
    await chat.press(f"ad:cte:{CID}:{field}", who)
    await chat.say(value, who)
    assert "Đã lưu" in (await chat.press("ad:save", who)).text


async def test_a_contact_edit_does_not_rebuild_the_matcher(chat):
    await chat.say("/admin")
    before = chat.router.live.matcher
    await edit(chat, "phone", PHONE)
    assert chat.router.live.matcher is before


async def test_an_unknown_contact_or_field_is_answered(chat):
    assert "Không tìm thấy cơ quan" in (await chat.press("ad:ctv:khong-co")).text
    assert "Không tìm thấy cơ quan" in (await chat.press("ad:ctr:khong-co:3")).text
    assert "Sở Ngoại vụ" in (await chat.press(f"ad:cte:{CID}:fax")).text


async def test_a_newer_file_wins_with_a_note_and_the_chat_version_can_come_back(kb, matcher, kb_copy, tmp_path):
    chat = ChatDriver(kb, matcher, tmp_path / "c.sqlite3", knowledge_dir=kb_copy)
    try:
        await edit(chat, "phone", PHONE)
        path = kb_copy / "contacts.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('phone: ""', 'phone: "0237 3 000 001"', 1), encoding="utf-8")
        await chat.say("/reload")
        menu = await chat.say("/admin")
        assert f"Liên hệ {CID}: tệp contacts.yaml đã có thông tin mới hơn" in menu.text
        assert f"ad:ctv:{CID}" in actions(menu)
        assert "0237 3 000 001" in (await chat.say("/lienhe", CITIZEN)).text
        history = await chat.press(f"ad:cth:{CID}")
        assert "v0 · bản trong tệp YAML ✔" in history.text and f"ad:ctr:{CID}:1" in actions(history)
        await chat.press(f"ad:ctr:{CID}:1")
        await chat.press("ad:save")
        assert PHONE in (await chat.say("/lienhe", CITIZEN)).text
        assert "mới hơn" not in (await chat.say("/admin")).text
    finally:
        await chat.close()
