"""Finding the question in a long message, and the sentences it points back at."""

from __future__ import annotations

import pytest

from handlers.ask import Asker
from knowledge import segment

STORY = ("Tôi đang chuẩn bị chuyến công tác sang Nhật Bản cùng đoàn doanh nghiệp. Nghe nói Thanh Hóa đã "
         "thiết lập quan hệ với một tỉnh của Nhật. Đó là tỉnh nào và từ năm nào?")


def test_a_question_that_points_back_is_read_with_the_sentences_before_it():
    assert segment.questions(STORY) == ["Đó là tỉnh nào và từ năm nào?"]
    (joined,) = segment.in_context(STORY)
    assert joined.startswith("Tôi đang chuẩn bị") and joined.endswith("Đó là tỉnh nào và từ năm nào?")
    assert "một tỉnh của Nhật" in joined


def test_a_question_that_stands_on_its_own_is_not_joined_to_the_story():
    message = ("Tôi là cán bộ hưu trí, trước làm ở văn phòng huyện. Hôm qua đọc báo thấy nhắc Kế hoạch 119 "
               "nhưng không nhớ rõ do cơ quan nào ban hành, tỉnh ủy hay ủy ban?")
    assert segment.questions(message) and segment.in_context(message) == []


@pytest.mark.parametrize("sentence, asks", [
    ("Bố tôi từng làm ở Lào mấy chục năm", False),
    ("Công ty tôi có mấy trăm công nhân", False),
    ("Kế hoạch có mấy nhóm nhiệm vụ", True),
    ("Kiều bào có mấy triệu người", True),
])
def test_several_is_not_how_many(sentence: str, asks: bool):
    (read,) = segment.sentences(sentence)
    assert read.asks is asks


def test_a_story_whose_question_points_back_is_answered(asker: Asker):
    reply = asker.ask("Bố tôi từng làm ở Lào mấy chục năm. Ông bảo tỉnh mình có quan hệ đặc biệt với một "
                      "tỉnh của Lào. Tỉnh đó là tỉnh nào, từ năm nào?")
    assert reply.status == "answer" and "Hủa Phăn" in reply.text and "1967" in reply.text
