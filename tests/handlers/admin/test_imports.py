"""Imports as officials make them in Excel: a few rows kept, another separator or encoding, an
.xlsx, broken or hostile files; the explicit hiding of missing entries, the big-import warning, and
undoing an import in one step."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook

from handlers.kbtable import COLUMNS
from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import ADMIN2, CITIZEN, ChatDriver, actions, labels

RESP = "resp-so-ngoai-vu"
EDITED = "Câu trả lời sửa trong Excel."


async def exported_rows(chat: ChatDriver) -> list[dict]:
    [doc] = (await chat.press("ad:xcsv")).documents
    return list(csv.DictReader(io.StringIO(doc.data.decode("utf-8-sig"))))


def to_csv(rows: list[dict], delimiter: str = ",", columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), delimiter=delimiter, extrasaction="ignore",
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_xlsx(rows: list[dict], columns: tuple[str, ...] = COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """As Windows-1258 stores Vietnamese: letters with their shape marks, tones as combining marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


async def test_a_one_row_import_hides_nothing_unless_asked_twice(chat, kb):
    rows = [r for r in await exported_rows(chat) if r["id"] == RESP]
    rows[0]["answer_vi"] = EDITED
    preview = await chat.send_file("kb.csv", to_csv(rows).encode("utf-8"))
    missing = len(kb.entries) - 1
    assert "thêm 0, sửa 1, khôi phục 0, ẩn 0" in preview.text
    assert f"{missing} câu trả lời đang dùng không có trong tệp" in preview.text
    assert "giữ nguyên, không bị ẩn" in preview.text and "⚠️" not in preview.text
    assert actions(preview) == ["ad:imph", "ad:save", "cancel"]
    assert f"Ẩn luôn {missing} câu trả lời" in labels(preview)[0]
    confirm = await chat.press("ad:imph")
    assert f"ẩn {missing} câu trả lời không có trong tệp?" in confirm.text
    assert actions(confirm) == ["ad:imph", "ad:impk"] and f"ẩn {missing}" in labels(confirm)[0]
    kept = await chat.press("ad:impk")  # thought better of it
    assert "ẩn 0" in kept.text and actions(kept) == ["ad:imph", "ad:save", "cancel"]
    assert "1 câu trả lời thay đổi" in (await chat.press("ad:save")).text
    assert EDITED in (await chat.say(ASK, CITIZEN)).text
    assert "kế hoạch" in (await chat.say("kế hoạch 119 là gì", CITIZEN)).text.lower()
    assert not [r for r in await chat.storage.kb_latest() if r["data"].get("hidden")]


async def test_an_english_speaking_administrator_gets_the_same_choice_in_english(chat, kb):
    await chat.press("lang:en", ADMIN2)
    rows = (await exported_rows(chat))[:2]
    preview = await chat.send_file("kb.xlsx", to_xlsx(rows), ADMIN2)
    missing = len(kb.entries) - 2
    assert f"{missing} entries in use are not in the file" in preview.text
    assert labels(preview)[0] == f"🙈 Also hide the {missing} entries missing from this file"
    confirm = await chat.press("ad:imph", ADMIN2)
    assert f"hide the {missing} entries missing from the file?" in confirm.text
    broken = await chat.send_file("kb.xlsx", b"not a workbook", ADMIN2)
    assert "the file is not a valid Excel (.xlsx) file" in broken.text


async def test_hiding_the_missing_entries_warns_and_takes_a_second_confirmation(chat, kb):
    rows = (await exported_rows(chat))[:1]
    preview = await chat.send_file("kb.csv", to_csv(rows).encode("utf-8"))
    assert "không có gì thay đổi" in preview.text and actions(preview) == ["ad:imph", "cancel"]
    await chat.press("ad:imph")
    hiding = await chat.press("ad:imph")
    missing = len(kb.entries) - 1
    assert hiding.text.startswith(f"⚠️ Lần nhập này thay đổi {missing} trong số {len(kb.entries)}")
    assert f"ẩn {missing}" in hiding.text and actions(hiding) == ["ad:impk", "ad:save", "cancel"]
    await chat.press("ad:save")
    assert len([r for r in await chat.storage.kb_latest() if r["data"].get("hidden")]) == missing


async def test_a_big_import_puts_a_warning_first(chat, kb):
    rows = await exported_rows(chat)
    for row in rows[:12]:
        row["answer_vi"] += " (đã rà soát)"
    preview = await chat.send_file("kb.csv", to_csv(rows).encode("utf-8"))
    assert preview.text.startswith(f"⚠️ Lần nhập này thay đổi 12 trong số {len(kb.entries)}")
    rows = await exported_rows(chat)
    rows[0]["answer_vi"] += " (đã rà soát)"
    small = await chat.send_file("kb.csv", to_csv(rows).encode("utf-8"))
    assert small.text.startswith("Nhập tệp kb.csv: thêm 0, sửa 1")


async def test_csv_as_excel_writes_it_imports_with_no_changes(chat):
    rows = await exported_rows(chat)
    files = {
        "semicolon, UTF-8 with BOM": ("\ufeff" + to_csv(rows, ";")).encode("utf-8"),
        "tab, UTF-16": to_csv(rows, "\t").encode("utf-16"),
        "Windows-1258": cp1258(to_csv(rows, ";")),
        "comma, no BOM": to_csv(rows).encode("utf-8"),
    }
    for kind, data in files.items():
        if kind == "Windows-1258":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        reply = await chat.send_file("kb.csv", data)
        assert "không có gì thay đổi" in reply.text, (kind, reply.text)


async def test_an_xlsx_export_is_a_readable_sheet_and_imports_with_no_changes(chat, kb):
    [doc] = (await chat.press("ad:xxlsx")).documents
    assert doc.name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(doc.data)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS) and all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.max_row == len(kb.entries) + 1
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHIJK"]
    assert max(widths) <= 62 and widths[0] > len("id") + 2  # fitted to the ids, capped for answers
    questions = next(r[2].value for r in sheet.iter_rows(min_row=2) if r[0].value == RESP)
    assert questions.splitlines() == list(kb.entries[RESP].questions["vi"])
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert None in values and not [v for v in values if v and v.startswith("'")]  # empty stays empty
    assert "không có gì thay đổi" in (await chat.send_file(doc.name, doc.data)).text


async def test_an_xlsx_edit_is_imported(chat):
    rows = await exported_rows(chat)
    for row in rows:
        if row["id"] == RESP:
            row["answer_vi"] = EDITED
    preview = await chat.send_file("kb.xlsx", to_xlsx(rows))
    assert "sửa 1" in preview.text and RESP in preview.text
    await chat.press("ad:save")
    assert EDITED in (await chat.say(ASK, CITIZEN)).text


async def test_cells_excel_would_run_are_neutralised_and_come_back_unchanged(chat):
    risky = "=HYPERLINK(\"http://example.invalid\",\"bấm vào đây\") là một ví dụ, không phải câu trả lời thật."
    await chat.press(f"ad:ea:{RESP}")
    await chat.say(risky)
    await chat.press("ad:save")
    [csv_doc] = (await chat.press("ad:xcsv")).documents
    assert ",\"'=HYPERLINK(" in csv_doc.data.decode("utf-8-sig")
    [xlsx_doc] = (await chat.press("ad:xxlsx")).documents
    cell = next(r[4] for r in load_workbook(io.BytesIO(xlsx_doc.data)).active.iter_rows(min_row=2)
                if r[0].value == RESP)
    assert cell.data_type == "s" and cell.value == "'" + risky
    for doc in (csv_doc, xlsx_doc):
        assert "không có gì thay đổi" in (await chat.send_file(doc.name, doc.data)).text, doc.name


async def test_a_missing_column_is_named(chat):
    rows = await exported_rows(chat)
    columns = tuple(c for c in COLUMNS if c != "answer_en")
    for data, name in ((to_csv(rows, columns=columns).encode(), "kb.csv"), (to_xlsx(rows, columns), "kb.xlsx")):
        reply = await chat.send_file(name, data)
        assert "chưa nhập gì" in reply.text and "tệp thiếu cột: answer_en" in reply.text


async def test_problems_name_the_cell_as_excel_shows_it(chat):
    rows = await exported_rows(chat)
    taken = rows[0]["questions_en"].splitlines()[0]
    rows[5]["questions_en"] = taken  # row 7 in Excel: the header is row 1
    rows[8]["topic"] = "khong-co"
    reply = (await chat.send_file("kb.xlsx", to_xlsx(rows))).text
    assert f"ô D7 ({rows[5]['id']}): câu hỏi \"{taken}\" đã thuộc câu trả lời khác ({rows[0]['id']})" in reply
    assert f"ô B10 ({rows[8]['id']}): chủ đề \"khong-co\"" in reply
    assert await chat.storage.kb_latest() == []


async def test_formulas_are_refused(chat):
    rows = await exported_rows(chat)
    rows[3]["answer_vi"] = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    for data, name in ((to_xlsx(rows), "kb.xlsx"), (to_csv(rows).encode(), "kb.csv")):
        reply = (await chat.send_file(name, data)).text
        assert "chưa nhập gì" in reply and "tệp có công thức ở ô E5" in reply, name
    assert await chat.storage.kb_latest() == []


async def test_broken_encrypted_and_huge_files_are_refused_plainly(chat):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    header = ",".join(COLUMNS)
    huge = (header + "\r\n" + "".join(f"x-{n},plan,câu hỏi {n},,trả lời,,article-119,2025-01-01,,,\r\n"
                                      for n in range(10_000))).encode()
    cases = {
        ("kb.xlsx", b"this is not a workbook at all"): "không phải là tệp Excel (.xlsx) hợp lệ",
        ("kb.xlsx", b"PK\x03\x04 broken zip"): "không phải là tệp Excel (.xlsx) hợp lệ",
        ("kb.xlsx", ole): "tệp được đặt mật khẩu",
        ("kb.csv", ole): "tệp được đặt mật khẩu",
        ("kb.csv", huge): "tệp có hơn 2000 dòng",
        ("kb.csv", b"id,topic\x00\r\n"): "tệp CSV bị hỏng",
        ("kb.pdf", b"%PDF-1.4"): "chỉ nhập được tệp Excel (.xlsx), .csv hoặc .yaml",
    }
    for (name, data), expected in cases.items():
        reply = (await chat.send_file(name, data)).text
        assert "chưa nhập gì" in reply and expected in reply, (name, reply)
    assert await chat.storage.kb_latest() == []


async def test_an_import_is_undone_in_one_step(chat, kb):
    rows = await exported_rows(chat)
    for row in rows:
        if row["id"] == RESP:
            row["answer_vi"] = EDITED
    new = dict(rows[0], id="chat-the-abtc", questions_vi="thủ tục cấp thẻ ABTC", questions_en="",
               answer_vi="Trả lời về thẻ ABTC.", answer_en="")
    rows = [r for r in rows if r["id"] != "plan-overview"] + [new]
    await chat.send_file("kb.csv", to_csv(rows).encode())
    await chat.press("ad:imph")
    await chat.press("ad:imph")
    done = await chat.press("ad:save")
    assert "3 câu trả lời thay đổi" in done.text
    [undo] = [a for a in actions(done) if a.startswith("ad:undo:")]
    preview = await chat.press(undo)
    assert "Hoàn tác lần nhập tệp kb.csv: 3 câu trả lời" in preview.text and actions(preview) == ["ad:save", "cancel"]
    assert "thêm mới sẽ bị ẩn (khôi phục được): chat-the-abtc" in preview.text
    assert "Đã hoàn tác lần nhập tệp kb.csv" in (await chat.press("ad:save")).text
    assert "Sở Ngoại vụ là cơ quan chủ trì" in (await chat.say(ASK, CITIZEN)).text
    latest = {r["entry_id"]: r for r in await chat.storage.kb_latest()}
    assert latest["chat-the-abtc"]["data"]["hidden"] and not latest["plan-overview"]["data"]["hidden"]
    assert {eid for eid, r in latest.items() if r["action"] == "import_undo"} == {
        RESP, "plan-overview", "chat-the-abtc"}
    logged = [r for r in await chat.storage.audit_log(50) if r["action"] == "import_undo" and not r["before"]]
    assert [r["target"] for r in logged] == [f"undo:{undo.rsplit(':', 1)[1]}"]
    assert "đã được hoàn tác rồi" in (await chat.press(undo)).text
    # the import's audit record offers the same undo
    record = next(r for r in await chat.storage.audit_log(50) if r["action"] == "import")
    assert undo in actions(await chat.press(f"ad:al:{record['id']}"))


async def test_an_import_is_not_undone_over_a_later_edit(chat):
    rows = await exported_rows(chat)
    for row in rows:
        if row["id"] == RESP:
            row["answer_vi"] = EDITED
    await chat.send_file("kb.csv", to_csv(rows).encode())
    done = await chat.press("ad:save")
    [undo] = [a for a in actions(done) if a.startswith("ad:undo:")]
    await chat.press(f"ad:ea:{RESP}", ADMIN2)
    await chat.say("Bản sửa của người thứ hai.", ADMIN2)
    await chat.press("ad:save", ADMIN2)
    await chat.press(undo)
    refused = await chat.press("ad:save")
    assert f"Chưa hoàn tác được: câu trả lời {RESP} đã được sửa sau lần nhập này" in refused.text
    assert f"ad:hist:{RESP}" in actions(refused)
    assert "Bản sửa của người thứ hai." in (await chat.say(ASK, CITIZEN)).text
