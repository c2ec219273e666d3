"""How the bot reads people's questions: each failure kind seen from outside, as a table.

The questions are written for these tests, not taken from the training or evaluation sets.
"""

from __future__ import annotations

import dataclasses

import pytest

from handlers.ask import Asker
from knowledge.matcher import Matcher
from knowledge.model import Entry, KnowledgeBase
from knowledge.overlay import Version, entry_to_dict, fingerprint, merge


@pytest.mark.parametrize("question", [
    "ai chủ trì triển khai kế hoạch 119",
    "ai chu tri trien khai ke hoach 119",
    "Ai chủ trì việc triển khai thực hiện Kế hoạch 119/KH-UBND?",
    "cơ quan nào phụ trách triển khai kế hoạch ngoại giao kinh tế",
])
def test_a_common_verb_in_a_who_leads_question_still_finds_the_lead_body(asker: Asker, question: str):
    reply = asker.ask(question)
    assert reply.entry_id != "req-whole-system"
    assert reply.status == "answer" and "Sở Ngoại vụ" in reply.text


@pytest.mark.parametrize("question", ["sở nào lo việc này", "ai phụ trách vậy", "cơ quan nào lo vụ này vậy"])
def test_a_short_question_with_no_topic_words_is_about_the_plan(asker: Asker, question: str):
    reply = asker.ask(question)
    assert reply.status != "smalltalk"
    assert reply.status == "answer" and "Sở Ngoại vụ" in reply.text


@pytest.mark.parametrize("question", [
    pytest.param("Ngày quốc khánh là ngày nào?", marks=pytest.mark.xfail(strict=True, reason=(
        "known regression: an earlier question on 2/9 makes the pair model answer it"))),
    "khánh thành khi nào vậy",
])
def test_a_short_question_with_a_subject_of_its_own_is_not_read_as_about_the_plan(asker: Asker,
                                                                                  question: str):
    """A word the knowledge base does not know is the question's own subject: not "the plan"."""
    assert asker.ask(question).status != "answer"


@pytest.mark.parametrize("question, expected", [
    ("Em là sinh viên năm cuối ngành kinh tế quốc tế ở Thanh Hóa, đang viết khóa luận về thu hút đầu tư. "
     "Em đọc được tỉnh có kế hoạch về ngoại giao kinh tế năm 2023. Cho em hỏi kế hoạch đó do cơ quan nào "
     "chủ trì thực hiện ạ? Em cảm ơn nhiều.", "Sở Ngoại vụ"),
    ("Tôi là chủ doanh nghiệp chế biến nông sản ở Thọ Xuân, muốn mở rộng xuất khẩu. Doanh nghiệp chúng tôi "
     "có thể tham gia kế hoạch ngoại giao kinh tế của tỉnh qua tổ chức nào?", "Hiệp hội Doanh nghiệp"),
])
def test_a_long_message_is_answered_from_its_question(asker: Asker, question: str, expected: str):
    reply = asker.ask(question)
    assert reply.status == "answer" and expected in reply.text


def test_two_questions_with_short_answers_are_both_answered(asker: Asker):
    reply = asker.ask("Kế hoạch 119 được ban hành ngày nào? Và Sở Ngoại vụ có nhiệm vụ gì trong kế hoạch?")
    assert reply.status == "answer" and reply.entry_id == "plan-date-issuer" and "15/5/2023" in reply.text
    assert asker.kb.entries["resp-so-ngoai-vu"].answer["vi"] in reply.text


@pytest.mark.parametrize("question", [
    "Giám đốc Sở Tài chính Thanh Hóa bây giờ là ai?",  # a person's name
    "Hiệp hội Doanh nghiệp tỉnh có bao nhiêu hội viên?",  # figures about a body
    "Mặt trận Tổ quốc tỉnh tiếp công dân vào thứ mấy?",  # opening hours
    "Kế hoạch 119 đến nay đã đạt được kết quả gì?",  # results so far, of the plan
    "Thủ tục xin visa cho kiều bào về Thanh Hóa thế nào?",  # a procedure, for overseas Vietnamese
    "Who is the director of the Thanh Hoa Department of Foreign Affairs?",
])
def test_a_near_miss_says_what_is_not_held_and_offers_what_is(asker: Asker, question: str):
    reply = asker.ask(question)
    assert reply.status == "fallback"
    assert "không có thông tin về" in reply.text or "no information on" in reply.text
    assert reply.options and all(o.action.startswith("entry:") for o in reply.options)


@pytest.mark.parametrize("question", [
    "Tổng ngân sách dành cho Kế hoạch 119 là bao nhiêu?",  # the plan's budget
    "Kế hoạch ngoại giao kinh tế của tỉnh Nghệ An có gì?",  # another province's plan
    "Chỉ thị 20-CT/TW nói gì về ngoại giao kinh tế?",  # a document it does not hold
    "Tỉnh Hủa Phăn có bao nhiêu dân?",  # a partner locality's figures
])
def test_near_misses_on_documents_and_places_are_not_answered(asker: Asker, question: str):
    assert asker.ask(question).status == "fallback"


@pytest.mark.parametrize("question, fact", [
    ("Thanh Hóa kết nghĩa với Hủa Phăn từ năm 1985 phải không?", "1967"),  # a wrong year
    ("Chỉ thị 15 thay cho Chỉ thị 33 đúng không?", "41"),  # a wrong document beside a known one
    ("Directive 15 replaced Directive 20, is that right?", "41"),
])
def test_a_false_premise_is_answered_with_the_true_fact(asker: Asker, question: str, fact: str):
    reply = asker.ask(question)
    assert reply.status == "answer" and fact in reply.text


@pytest.mark.parametrize("question", [
    "Năm 2024 Thanh Hóa thu hút bao nhiêu vốn FDI?",  # a year's figures, not a check
    "Kế hoạch 200/KH-UBND có đúng là về ngoại giao kinh tế không?",  # no known document beside it
])
def test_a_year_or_document_the_bot_does_not_know_is_still_refused_outside_a_check(asker: Asker,
                                                                                    question: str):
    assert asker.ask(question).status == "fallback"


def _hide(kb: KnowledgeBase, entry_id: str) -> KnowledgeBase:
    data = entry_to_dict(kb.entries[entry_id], hidden=True)
    version = Version(entry_id, 1, "hide", data, fingerprint(kb.entries[entry_id]), "test", 0.0)
    merged, notes = merge(kb, [version])
    assert not notes
    return merged


def test_a_hidden_entry_gets_the_fallback_not_its_neighbour(kb: KnowledgeBase):
    question = "Sở Kế hoạch và Đầu tư bây giờ thuộc cơ quan nào?"
    before = Asker(kb, Matcher(kb)).ask(question)
    assert before.status == "answer" and before.entry_id == "org-so-khdt"
    hidden = _hide(kb, "org-so-khdt")
    reply = Asker(hidden, Matcher(hidden)).ask(question)
    assert reply.status == "fallback"
    assert all(o.action != "entry:org-so-khdt" for o in reply.options)


def test_an_entry_added_in_the_chat_is_answered_with_confidence(kb: KnowledgeBase):
    entry = Entry(
        id="chat-abtc-card", topic="business",
        questions={"vi": ("Thẻ đi lại của doanh nhân APEC là gì?", "thẻ ABTC dùng để làm gì",
                          "doanh nhân xin thẻ ABTC ở đâu", "the abtc la gi", "thẻ APEC cho doanh nhân"),
                   "en": ("What is the APEC Business Travel Card?", "where do I apply for an ABTC")},
        answer={"vi": "Thẻ ABTC: nội dung thử nghiệm.", "en": "ABTC: test content."},
        sources=("article-119",), as_of=kb.entries["plan-overview"].as_of)
    grown = dataclasses.replace(kb, entries={**kb.entries, entry.id: entry})
    asker = Asker(grown, Matcher(grown))
    for question in ("Thẻ đi lại của doanh nhân APEC là gì?", "thẻ abtc dùng làm gì vậy", "What is an ABTC card?"):
        reply = asker.ask(question)
        assert reply.status == "answer" and reply.entry_id == entry.id, question
