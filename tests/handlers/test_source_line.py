"""The line under an answer that says where it comes from: short, with a link when there is one."""

from __future__ import annotations

from handlers.ask import source_line
from knowledge.model import Source


def test_the_source_line_is_short_with_a_link_when_there_is_one():
    full = Source("s", "Một tiêu đề rất dài " * 5, "Một nơi đăng rất dài " * 5)
    assert source_line(full, "vi").startswith("Một tiêu đề")
    dated = Source("s", "t", "w", short="Kế hoạch thử", publisher="Báo Thử", date="2023-05-15")
    assert source_line(dated, "vi") == "Kế hoạch thử — Báo Thử, 15/05/2023"
    linked = Source("s", "t", "w", short="Tin thử", publisher="Báo Thử", date="2025-06", url="https://example.org/a")
    assert source_line(linked, "en") == "Tin thử — Báo Thử, 6/2025 · https://example.org/a"
    assert source_line(Source("s", "t", "w", short="Tin", date="2024"), "vi") == "Tin — 2024"


def test_answers_end_with_a_short_source_line_and_the_as_of_date(asker):
    reply = asker.ask("ai chủ trì kế hoạch 119")
    footer = reply.text.split("Nguồn: ", 1)[1]
    lines = footer.split("\n\n", 1)[0].splitlines()
    assert lines[0] == "Kế hoạch 119 về ngoại giao kinh tế — Sở Khoa học và Công nghệ Thanh Hóa, 15/05/2023"
    assert all(len(line) <= 120 or "https://" in line for line in lines)
    assert lines[-1].startswith("Thông tin cập nhật đến: ")
