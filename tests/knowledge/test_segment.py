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
    # what the writer says of themselves is left out when the story names the subject
    assert joined == "Nghe nói Thanh Hóa đã thiết lập quan hệ với một tỉnh của Nhật. Đó là tỉnh nào và từ năm nào?"


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


def test_what_a_message_asks_for_is_read_in_its_question_not_in_its_story(asker: Asker):
    # "hồ sơ dự án" and "năm 2019" belong to the story: the question asks where the department went
    message = ("Anh chị ơi, hồi trước năm 2019 công ty em hay làm việc với Sở Kế hoạch và Đầu tư về hồ sơ dự án. "
               "Giờ nghe nói sở này không còn nữa. Vậy sở đó đã sáp nhập vào đâu vậy ạ?")
    assert segment.asked(message) == "Vậy sở đó đã sáp nhập vào đâu vậy ạ?"  # "không còn nữa" says, not asks
    reply = asker.ask(message)
    assert reply.status == "answer" and "Sở Tài chính" in reply.text
    # the same words in the question itself still ask for what no entry holds
    refused = asker.ask("Tôi là chủ doanh nghiệp ở Nghi Sơn. Hồ sơ xin ưu đãi đầu tư ở Sở Tài chính gồm những gì?")
    assert refused.status == "fallback"


def test_a_short_message_asks_with_all_of_it():
    assert segment.asked("kinh phí kế hoạch 119 là bao nhiêu") == "kinh phí kế hoạch 119 là bao nhiêu"


@pytest.mark.parametrize("sentence, intro", [
    ("Chào bạn, tôi là chủ một cửa hàng nhỏ ở Quảng Xương", True),
    ("Xin chào, em là sinh viên năm cuối", True),
    ("Hello, my name is Lan and I live in Osaka", True),
    ("Chào bạn, cơ quan nào chủ trì kế hoạch 119", False),
])
def test_a_greeting_does_not_hide_a_self_introduction(sentence: str, intro: bool):
    (read,) = segment.sentences(sentence)
    assert read.starts(segment._INTRO_STARTS) is intro


@pytest.mark.parametrize("sentence, asks", [
    ("Nhà tôi có xưởng may ở Nông Cống", False),  # "may" is sewing, not "mấy"
    ("Nhà tôi có máy cày và ao cá", False),
    ("Xưởng tôi có mấy chục máy khâu và cần mấy người", True),
    ("nha toi co xuong may o nong cong", True),  # typed without accents, "may" could be "mấy"
    ("Tôi chưa đọc kế hoạch và không rõ lắm", False),  # "chưa", "không" inside a sentence say "not"
    ("Tỉnh có chương trình nào cho kiều bào không ạ", True),
    ("ke hoach da trien khai chua ban", True),
])
def test_typed_with_accents_only_the_accented_question_word_asks(sentence: str, asks: bool):
    (read,) = segment.sentences(sentence)
    assert read.asks is asks


def test_each_question_comes_with_its_reading_in_context_when_it_points_back():
    message = ("Chào bạn, mình đang viết bài cho bản tin của trường về Thanh Hóa và tỉnh Niigata của Nhật Bản. "
               "Quan hệ này được thiết lập từ năm nào? Và kế hoạch 119 do ai ban hành?")
    (first, context), (second, none) = segment.readings(message)
    assert first == "Quan hệ này được thiết lập từ năm nào?" and "Niigata" in context
    assert context.endswith(first)
    assert second.endswith("kế hoạch 119 do ai ban hành?") and none is None
