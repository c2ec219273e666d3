"""Cross-validated outcomes: each case decided as the bot decides it, at every threshold."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.matcher import Matcher
from knowledge.training import GRID, Case, Outcome, choose_threshold, clarify_for, judge, outcomes, rates

LONG = (
    "Chào anh chị, em là sinh viên năm ba ngành kinh tế đối ngoại ở Hà Nội, quê em ở Thanh Hóa. "
    "Em đang làm khóa luận về ngoại giao kinh tế của các tỉnh. Cho em hỏi kế hoạch 119 do cơ quan nào "
    "chủ trì thực hiện ạ? Và kế hoạch này ban hành ngày nào? Em cảm ơn nhiều ạ."
)
CASES = [
    Case(LONG, False, (("so ngoai vu",),), "long", "test:1"),
    Case("Tôi là chủ doanh nghiệp ở Sầm Sơn. Doanh nghiệp tham gia ngoại giao kinh tế thế nào?",
         False, (("doanh nghiep",),), "long", "test:2"),
    Case("ke hoach 119 ban hanh ngay nao", False, (("15/5/2023",),), "nodiacritics", "test:3"),
    Case("sở nào lo việc này", False, (("so ngoai vu",),), "terse", "test:4"),
    Case("Chủ tịch Mặt trận Tổ quốc tỉnh hiện nay là ai?", True, (), "oos-near", "test:5"),
    Case("Xin chào, tôi sống ở Đức. Giá vé máy bay về Thanh Hóa tháng này bao nhiêu?", True, (),
         "oos-far", "test:6"),
]


@pytest.mark.parametrize("threshold", [0.0, 20.0, 33.5, 45.0, 55.0, 62.5, 80.0, 99.5])
def test_outcomes_are_what_the_bot_does_at_each_threshold(kb, threshold: float):
    m = Matcher(kb)
    found = outcomes(m, CASES)
    assert (m.answer_threshold, m.clarify_threshold) == (Matcher(kb).answer_threshold,
                                                         Matcher(kb).clarify_threshold)
    m.answer_threshold, m.clarify_threshold = threshold, clarify_for(threshold)
    for outcome in found:
        r = m.match(outcome.case.q)
        answered = r.status == "answer"
        right = answered and not outcome.case.oos and judge(
            outcome.case, kb.entries[r.candidates[0].entry_id].answer["vi"])
        assert outcome.at(threshold) == (answered, right), outcome.case.q


def _outcome(oos: bool, answered_below: float, right: bool = True) -> Outcome:
    """Answered at every threshold up to ``answered_below`` (exclusive)."""
    answered = np.less(GRID, answered_below)
    return Outcome(Case("q", oos, (), "x", "t"), answered, answered & right & (not oos))


def test_the_threshold_is_the_lowest_that_keeps_refusal_at_target():
    cases = [*(_outcome(True, b) for b in (30.0, 40.0, 50.0, 60.0)), _outcome(False, 70.0)]
    assert choose_threshold(cases, 0.75) == 50.0  # 3 of 4 out-of-scope refused from 50
    assert choose_threshold(cases, 1.0) == 60.0
    assert rates(cases, 50.0) == (1.0, 0.75)
    assert rates(cases, 70.0) == (0.0, 1.0)


def test_an_outcome_may_answer_only_at_a_higher_threshold():
    """A long message whose opening is matched weakly is answered from a later question once the
    threshold refuses the opening: not one confidence against a threshold."""
    answered = (GRID >= 40.0) & (GRID < 80.0)
    o = Outcome(Case("q", False, (("a",),), "long", "t"), answered, answered)
    assert o.at(30.0) == (False, False) and o.at(55.0) == (True, True) and o.at(90.0) == (False, False)
    assert rates([o], 30.0)[0] == 0.0 and rates([o], 55.0)[0] == 1.0
    assert np.count_nonzero(o.answered) == 80
