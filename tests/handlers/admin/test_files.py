"""The knowledge base as files: export, import with a preview, and /reload of the curated files."""

from __future__ import annotations

import csv
import io

from handlers.texts import TEXTS, placeholders
from knowledge.validator import MESSAGES
from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import ADMIN2, CITIZEN, ChatDriver, actions


async def export(chat, fmt: str) -> bytes:
    reply = await chat.press(f"ad:x{fmt}")
    [doc] = reply.documents
    assert doc.name.startswith("kb-") and doc.name.endswith(f".{fmt}") and not doc.photo
    return doc.data


async def test_the_files_menu_and_exports(chat, kb):
    menu = await chat.press("ad:io")
    assert actions(menu) == ["ad:xxlsx", "ad:xcsv", "ad:xyaml", "ad:menu"]
    data = await export(chat, "csv")
    assert data.startswith("\ufeff".encode()) and data.count(b"\r\n") >= len(kb.entries)
    assert b"entries:" in await export(chat, "yaml")
    assert (await export(chat, "xlsx")).startswith(b"PK")
    exports = [r for r in await chat.storage.audit_log() if r["action"] == "export"]
    assert {r["after"]["format"] for r in exports} == {"csv", "yaml", "xlsx"}


async def test_an_exported_file_imports_with_no_changes(chat):
    for fmt in ("xlsx", "csv", "yaml"):
        reply = await chat.send_file(f"kb.{fmt}", await export(chat, fmt))
        assert "không có gì thay đổi" in reply.text, reply.text


async def test_import_previews_changes_and_applies_them_on_confirm(chat):
    rows = list(csv.DictReader(io.StringIO((await export(chat, "csv")).decode("utf-8-sig"))))
    for row in rows:
        if row["id"] == "resp-so-ngoai-vu":
            row["answer_vi"] = "Câu trả lời sửa trong Excel."
    rows = [r for r in rows if r["id"] != "plan-overview"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = await chat.send_file("kb.csv", out.getvalue().encode("utf-8"))
    assert "thêm 0, sửa 1, khôi phục 0, ẩn 0" in preview.text
    assert "resp-so-ngoai-vu" in preview.text and "plan-overview" in preview.text
    assert actions(preview) == ["ad:imph", "ad:save", "cancel"]
    assert "Sở Ngoại vụ là cơ quan chủ trì" in (await chat.say(ASK, CITIZEN)).text  # not yet
    await chat.press("ad:imph")
    again = await chat.press("ad:imph")  # confirmed: the preview now hides the missing entry
    assert "thêm 0, sửa 1, khôi phục 0, ẩn 1" in again.text and "ad:impk" in actions(again)
    assert "Đã nhập" in (await chat.press("ad:save")).text
    assert "Câu trả lời sửa trong Excel." in (await chat.say(ASK, CITIZEN)).text
    assert "ad:v:plan-overview" in actions(await chat.press("ad:hidden"))
    logged = {r["action"] for r in await chat.storage.audit_log(50)}
    assert {"import", "import_edit", "import_hide"} <= logged


async def test_an_import_over_a_change_made_meanwhile_is_refused(chat):
    rows = list(csv.DictReader(io.StringIO((await export(chat, "csv")).decode("utf-8-sig"))))
    for row in rows:
        if row["id"] == "resp-so-ngoai-vu":
            row["answer_vi"] = "Câu trả lời sửa trong Excel."
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = await chat.send_file("kb.csv", out.getvalue().encode("utf-8"))
    assert "sửa 1" in preview.text
    await chat.press("ad:ea:resp-so-ngoai-vu", ADMIN2)  # another administrator's edit lands first
    await chat.say("Bản sửa của người thứ hai.", ADMIN2)
    await chat.press("ad:save", ADMIN2)
    refused = await chat.press("ad:save")
    assert "Chưa nhập: câu trả lời resp-so-ngoai-vu vừa được thay đổi" in refused.text
    assert "Bản sửa của người thứ hai." in (await chat.say(ASK, CITIZEN)).text
    assert not [r for r in await chat.storage.audit_log() if r["action"] == "import"]


async def test_a_broken_import_lists_its_problems_and_changes_nothing(chat):
    header = "id,topic,questions_vi,questions_en,answer_vi,answer_en,sources,as_of,keywords,related,contact"
    bad = (f"{header}\r\n"
           "resp-so-ngoai-vu,khong-co,ai chủ trì,,,,article-119,2025-01-01,,,\r\n"
           ",plan,câu hỏi,,trả lời,,article-119,2025-01-01,,,\r\n").encode()
    reply = (await chat.send_file("kb.csv", bad)).text
    assert "chưa nhập gì" in reply
    assert "ô B2 (resp-so-ngoai-vu): chủ đề \"khong-co\"" in reply
    assert "ô E2 (resp-so-ngoai-vu): câu trả lời đang để trống" in reply
    assert "ô A3: thiếu mã" in reply
    yaml_reply = await chat.send_file("kb.yaml", b"entries: [\n  - id: x\n  bad")
    assert "dòng 2: tệp YAML không đúng cú pháp; xem lại dấu ngoặc kép" in yaml_reply.text
    assert await chat.storage.kb_latest() == []
    assert "chỉ đọc được tin nhắn chữ" in (await chat.send_file("kb.csv", bad, CITIZEN)).text


async def test_reload_with_a_broken_file_keeps_the_running_knowledge_base(kb, matcher, kb_copy, tmp_path):
    chat = ChatDriver(kb, matcher, tmp_path / "r.sqlite3", knowledge_dir=kb_copy)
    try:
        plan = kb_copy / "entries" / "plan.yaml"
        good = plan.read_text(encoding="utf-8")
        lines = good.splitlines()
        line_no = next(i for i, line in enumerate(lines, 1) if line.strip() == "topic: plan")
        lines[line_no - 1] = lines[line_no - 1].replace("topic: plan", "topic: khong-co-chu-de")
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (kb_copy / "entries" / "broken.yaml").write_text("entries:\n- id: [unclosed\n", encoding="utf-8")
        text = (await chat.say("/reload")).text
        assert "Không tải lại được" in text
        assert f"• entries/plan.yaml, dòng {line_no}: chủ đề 'khong-co-chu-de' không có trong topics.yaml" in text
        assert "• entries/broken.yaml, dòng 2: sai cú pháp YAML" in text
        assert "Sở Ngoại vụ" in (await chat.say(ASK, CITIZEN)).text
        # fixed: the reload goes through, and a file change supersedes a chat edit, with a note
        await chat.press("ad:ea:resp-so-ngoai-vu")
        await chat.say("Bản sửa từ chat.")
        await chat.press("ad:save")
        (kb_copy / "entries" / "broken.yaml").unlink()
        resp = kb_copy / "entries" / "responsibilities.yaml"
        resp.write_text(resp.read_text(encoding="utf-8").replace(
            "Sở Ngoại vụ là cơ quan chủ trì", "Theo tệp mới, Sở Ngoại vụ là cơ quan chủ trì", 1), encoding="utf-8")
        plan.write_text(good, encoding="utf-8")
        ok = await chat.say("/reload")
        assert "Đã tải lại" in ok.text and "resp-so-ngoai-vu" in ok.text
        assert "Theo tệp mới" in (await chat.say(ASK, CITIZEN)).text
        assert "resp-so-ngoai-vu" in (await chat.say("/admin")).text  # the note stays visible
        history = await chat.press("ad:hist:resp-so-ngoai-vu")
        assert "ad:rb:resp-so-ngoai-vu:1" in actions(history)  # the chat version can come back
        await chat.press("ad:rb:resp-so-ngoai-vu:1")
        await chat.press("ad:save")
        assert "Bản sửa từ chat." in (await chat.say(ASK, CITIZEN)).text
        assert "resp-so-ngoai-vu" not in (await chat.say("/admin")).text  # in force again: no note
        logged = [r["action"] for r in await chat.storage.audit_log(50)]
        assert "reload_failed" in logged and "reload" in logged
    finally:
        await chat.close()


def break_plan(kb_dir) -> int:
    """Leaves a closing quote out in the real plan.yaml, as a hurried edit does; returns that line."""
    plan = kb_dir / "entries" / "plan.yaml"
    lines = plan.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith('    - "') and line.endswith('"'))
    lines[broken] = lines[broken][:-1]
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return broken + 1


async def test_a_broken_file_is_one_vietnamese_line_and_what_it_breaks_elsewhere_one_more(kb, matcher, kb_copy,
                                                                                           tmp_path):
    line = break_plan(kb_copy)
    chat = ChatDriver(kb, matcher, tmp_path / "r.sqlite3", knowledge_dir=kb_copy)
    try:
        head, *problems = (await chat.say("/reload")).text.splitlines()
        assert head.startswith("❌ Không tải lại được: tệp dữ liệu có 2 lỗi.")
        assert problems[0].startswith(f"• entries/plan.yaml, dòng {line}: sai cú pháp YAML: xem lại dấu ngoặc kép")
        assert len(problems) == 2 and problems[1].startswith("• 12 câu trả lời khác nhắc tới câu trả lời trong "
                                                             "entries/plan.yaml; tệp này chưa đọc được")
        assert "../" not in head + "".join(problems) and str(kb_copy) not in "".join(problems)
        assert "Sở Ngoại vụ" in (await chat.say(ASK, CITIZEN)).text  # still answering from the running files
        await chat.say("/lang en")
        english = (await chat.say("/reload")).text.splitlines()
        assert english[0].startswith("❌ Not reloaded: the data files have 2 problem(s).")
        assert english[1].startswith(f"• entries/plan.yaml, line {line}: not valid YAML: check the quotes")
        assert english[2].startswith("• 12 entries refer to entries in entries/plan.yaml, which could not be read")
    finally:
        await chat.close()


async def test_common_mistakes_read_in_vietnamese_and_a_rare_one_keeps_its_english(kb, matcher, kb_copy, tmp_path):
    for name, old, new in [("plan.yaml", "  topic: plan\n", ""), ("tasks.yaml", "  as_of: ", "  as_of: 15/5/2023 #")]:
        path = kb_copy / "entries" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    topics = kb_copy / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("order: 1", "order: một", 1), encoding="utf-8")
    contacts = kb_copy / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('  phone: ""', '  phone: "12345"', 1),
                        encoding="utf-8")
    chat = ChatDriver(kb, matcher, tmp_path / "r.sqlite3", knowledge_dir=kb_copy)
    try:
        reply = (await chat.say("/reload")).text
        assert "entries/tasks.yaml, dòng " in reply
        assert ": 'as_of' phải là ngày dạng năm-tháng-ngày, ví dụ 2025-03-31" in reply
        assert "entries/plan.yaml, dòng 2: thiếu trường 'topic'" in reply
        assert ': "12345" không phải số điện thoại Việt Nam' in reply  # the contact details' own texts
        assert "topics.yaml, dòng 4: topic 'order' must be a whole number" in reply  # no text of its own
    finally:
        await chat.close()


def test_every_knowledge_problem_key_has_a_text_in_both_languages():
    for key, english in MESSAGES.items():
        assert key in TEXTS, key
        assert placeholders(TEXTS[key]["vi"]) <= placeholders(english), key


async def test_many_problems_fit_one_message_and_say_how_many_more(kb, matcher, kb_copy, tmp_path):
    for path in (kb_copy / "entries").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("  topic: ", "  topic: chu-de-cu-"),
                        encoding="utf-8")
    chat = ChatDriver(kb, matcher, tmp_path / "r.sqlite3", knowledge_dir=kb_copy)
    try:
        text = (await chat.say("/reload")).text
        *shown, more = text.splitlines()[1:]
        assert len(text) <= 2000 and len(shown) >= 10
        assert more == f"… và {len(kb.entries) - len(shown)} lỗi khác: sửa các lỗi trên rồi gõ /reload để xem tiếp."
    finally:
        await chat.close()
