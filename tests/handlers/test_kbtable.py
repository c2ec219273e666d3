"""The table shape shared by CSV and Excel: cell names, formula neutralising, what Excel writes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.kbtable import Unreadable, column_letter, decode, neutral, read_csv, separator, unquote


def test_columns_are_named_as_excel_names_them():
    assert [column_letter(n) for n in (1, 4, 26, 27, 52, 703)] == ["A", "D", "Z", "AA", "AZ", "AAA"]


@given(st.text(alphabet="'=+-@ab\n", max_size=8))
def test_neutralising_is_undone_exactly(value):
    written = neutral(value)
    assert written[:1] not in ("=", "+", "-", "@")
    assert unquote(written) == value


def test_only_what_excel_would_run_is_quoted():
    assert neutral("=1+1") == "'=1+1" and neutral("+84 237") == "'+84 237" and neutral("- bước 1") == "'- bước 1"
    assert neutral("@ai") == "'@ai" and neutral("Sở Ngoại vụ") == "Sở Ngoại vụ" and neutral("") == ""
    assert unquote("'bình thường") == "'bình thường"  # an apostrophe the file really has stays


@pytest.mark.parametrize(("text", "expected"), [
    ("id,topic,answer_vi\n", ","), ("id;topic;answer_vi\n", ";"), ("id\ttopic\tanswer_vi\n", "\t"),
    ("id\n", ","), ("id;topic,with comma in a cell;x\n", ";"),
])
def test_the_separator_is_counted_on_the_header_line(text, expected):
    assert separator(text) == expected


def test_encodings_excel_saves_in():
    text = "id;câu hỏi\nx;Thanh Hóa\n"
    assert decode(("\ufeff" + text).encode("utf-8")) == text
    assert decode(text.encode("utf-8")) == text
    assert decode(text.encode("utf-16")) == text
    assert decode(b"\xfe\xff" + text.encode("utf-16-be")) == text
    assert decode("Hoá".encode("cp1258")) == "Hoá"
    # Windows-1258 spells a tone as a combining mark: read back composed, as the knowledge base is
    assert decode("Tha\u0300nh Ho\u0301a".encode("cp1258")) == "Thành Hóa"


def test_a_csv_refused_whole():
    with pytest.raises(Unreadable) as refused:
        read_csv(b"id,topic\n" + b"x,y\n" * 2_001)
    assert refused.value.key == "imp_too_many_rows"
    sheet = read_csv(b"id,topic\n\n,\nx,=SUM(A1)\ny,#NAME?\n")
    assert sheet.header == ["id", "topic"] and [n for n, _ in sheet.rows] == [4, 5]
    assert sheet.formulas == ["B4", "B5"]
