"""The question-level scope model: what it changes in the bot's confidence, and what it must not.

The questions are written for these tests, not taken from the training or evaluation sets.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from handlers.ask import Asker
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.ranker import RANKER_PATH, SCOPE_POWER, Ranker, load_ranker
from knowledge.scope import ScopeModel


@pytest.mark.parametrize("question", [
    "Ai đang giữ chức chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh nhiệm kỳ này?",
    "Năm nay Hội hữu nghị Việt - Lào tỉnh có tổ chức giao lưu nào không?",
    "Phí gia nhập Hiệp hội Doanh nghiệp tỉnh mỗi năm là bao nhiêu?",
])
def test_a_question_about_a_known_body_that_no_source_answers_is_not_answered(asker: Asker, question: str):
    assert asker.ask(question).status != "answer", question


def test_a_well_matched_question_the_sources_do_not_answer_says_so_and_offers_the_entries(kb: KnowledgeBase):
    matcher = Matcher(kb)
    question = "Ai đang giữ chức chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh nhiệm kỳ này?"
    result = matcher.match(question)
    assert result.status == "fallback" and result.reason == "not-held"
    assert result.candidates and result.candidates[0].entry_id.endswith("mttq")
    reply = Asker(kb, matcher).ask(question)
    assert "không có thông tin" in reply.text and "Những nội dung liên quan" in reply.text
    assert any(o.action == f"entry:{result.candidates[0].entry_id}" for o in reply.options)


@pytest.mark.parametrize("question, expected", [
    ("Số điện thoại của Sở Ngoại vụ Thanh Hóa là bao nhiêu vậy?", "contact-so-ngoai-vu"),
    ("cho xin sđt sở ngoại vụ", "contact-so-ngoai-vu"),
])
def test_asking_for_a_known_contact_is_in_scope(kb: KnowledgeBase, question: str, expected: str):
    result = Matcher(kb).match(question)
    assert result.status == "answer" and result.candidates[0].entry_id == expected


def test_the_scope_chance_lowers_the_confidence_only_for_entries_it_was_trained_with(kb: KnowledgeBase):
    ranker = load_ranker(RANKER_PATH)
    assert ranker.scope is not None
    known = kb.entries["plan-overview"]
    assert ranker.scope.knows(known)
    assert ranker.scope.knows(dataclasses.replace(known, id="renamed"))  # by its content, not its id
    assert not ranker.scope.knows(dataclasses.replace(known, answer={"vi": "Một câu trả lời mới."}))
    taught = {**known.questions, "vi": (*known.questions["vi"], "thủ tục xin thẻ ABTC")}
    assert not ranker.scope.knows(dataclasses.replace(known, questions=taught))
    rows = np.zeros((2, ranker.model.n_features_in_))
    question = "Ai đang giữ chức chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh nhiệm kỳ này?"
    inside = ranker.scope.chance(question)
    assert inside < 0.5
    bare = Ranker(ranker.model, ranker.answer_threshold, ranker.clarify_threshold, {}).predict(rows)
    assert ranker.in_scope([question]) == pytest.approx(inside)
    assert np.allclose(ranker.weigh(ranker.predict(rows), inside, [True, False]),
                       bare * np.array([inside ** SCOPE_POWER, 1.0]))
    both = ranker.in_scope([question, "kế hoạch 119 là gì"])
    assert both == pytest.approx((inside * ranker.scope.chance("kế hoạch 119 là gì")) ** 0.5)


def test_a_short_question_read_in_the_plan_context_is_judged_on_what_was_asked(kb: KnowledgeBase):
    # "bằng mấy" asks a quantity in a few words: the bot reads it with the plan's words added, but
    # whether the plan answers it is judged on what the person wrote.
    reply = Asker(kb, Matcher(kb)).ask("3 + 4 bằng mấy")
    assert reply.status != "answer"


def test_the_scope_model_learns_from_its_examples():
    model = ScopeModel.fit(
        ["kế hoạch 119 ban hành ngày nào", "ai chủ trì kế hoạch 119", "kế hoạch 119 có mấy nhóm nhiệm vụ",
         "giám đốc sở hiện nay là ai", "năm nay có hội chợ nào", "phí hội viên bao nhiêu"],
        [1, 1, 1, 0, 0, 0], [])
    assert model.chance("kế hoạch 119 ban hành khi nào") > model.chance("chủ tịch hiện nay là ai")


@pytest.mark.parametrize("question", [
    "kế hoạch 119 là gì", "Chủ tịch MTTQ tỉnh hiện nay là ai?", "who heads the department now", "", "😀",
    "ke hoach 119 ban hanh ngay nao ke hoach 119 ban hanh ngay nao", "x" * 5000, "Sở\u0000Ngoại\u200bvụ",
])
def test_the_fast_scope_chance_is_scikit_learns(question: str):
    scope = load_ranker(RANKER_PATH).scope
    assert scope is not None
    assert scope.chance(question) == pytest.approx(scope.chance_by_sklearn(question), abs=1e-9)


def test_the_scope_model_reads_a_question_as_the_index_does(kb: KnowledgeBase):
    """Its words normalised: English, shorthand and missing accents weigh as the plan's own terms."""
    matcher = Matcher(kb, legacy=True)
    read = matcher.scope_reading
    assert read("KH 119 do co quan nao ban hanh") == read("Kế hoạch 119 do cơ quan nào ban hành")
    english = read("who is in charge of the plan for overseas Vietnamese")
    assert "chu tri" in english and "ke hoach" in english and "kieu bao" in english
