"""Cross-validated outcomes: each case decided as the bot decides it, at every threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.matcher import Matcher
from knowledge.training import (
    GRID,
    Case,
    Outcome,
    choose_threshold,
    clarify_for,
    judge,
    load_cases,
    outcomes,
    rates,
)

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture(scope="module")
def decided(kb) -> tuple[Matcher, list[Outcome], tuple[float, float]]:
    m = Matcher(kb)
    before = (m.answer_threshold, m.clarify_threshold)
    return m, outcomes(m, CASES), before


def test_deciding_leaves_the_matcher_as_it_was(decided):
    m, _, before = decided
    assert (m.answer_threshold, m.clarify_threshold) == before
    assert m._memo is None  # the memo lives only while training decides


def test_outcomes_are_what_the_bot_does_at_every_threshold(kb, decided):
    """Every grid threshold, so a threshold equal to a confidence (both are multiples of 0.1) is
    tried too: that is where a decision flips."""
    m, found, before = decided
    try:
        for threshold in GRID:
            m.answer_threshold, m.clarify_threshold = float(threshold), clarify_for(float(threshold))
            for outcome in found:
                r = m.match(outcome.case.q)
                answered = r.status == "answer"
                right = answered and not outcome.case.oos and judge(
                    outcome.case, kb.entries[r.candidates[0].entry_id].answer["vi"])
                assert outcome.at(float(threshold)) == (answered, right), (threshold, outcome.case.q)
    finally:
        m.answer_threshold, m.clarify_threshold = before


def test_skipping_between_breakpoints_loses_no_decision(kb):
    """Against deciding at every threshold (texts scored once either way), on the dev set: a
    decision flips where a threshold meets a confidence, and some of these meet one exactly."""
    cases = load_cases(ROOT / "bench" / "dev.yaml")
    m = Matcher(kb)
    found = outcomes(m, cases)
    for outcome in found:
        with m.memoised():
            for i, threshold in enumerate(GRID):
                m.answer_threshold, m.clarify_threshold = float(threshold), clarify_for(float(threshold))
                r = m.match(outcome.case.q)
                answered = r.status == "answer"
                right = answered and not outcome.case.oos and judge(
                    outcome.case, kb.entries[r.candidates[0].entry_id].answer.get(r.lang) or
                    kb.entries[r.candidates[0].entry_id].answer["vi"])
                assert (outcome.answered[i], outcome.right[i]) == (answered, right), (threshold, outcome.case.q)


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
