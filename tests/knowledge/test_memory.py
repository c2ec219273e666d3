"""The earlier-questions memory: what it remembers, and what training leaves out of it."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from knowledge.features import FEATURE_NAMES
from knowledge.matcher import Matcher
from knowledge.memory import MEMORY_NAMES, Memory, memory_columns
from knowledge.model import KnowledgeBase
from knowledge.ranker import RANKER_PATH, load_ranker

SIM, RIVAL, BEST, NEAREST, OOS = (MEMORY_NAMES.index(n) for n in MEMORY_NAMES)


def _memory() -> Memory:
    return Memory.build(["ai chu tri ke hoach ngoai giao kinh te", "kieu bao dong gop gi cho que huong",
                         "thoi tiet thanh hoa hom nay the nao"],
                        [frozenset({"lead"}), frozenset({"overseas"}), frozenset()],
                        [False, False, True], [0, 1, 2])


def test_a_question_close_to_an_earlier_one_points_to_the_answer_that_answered_it():
    memory = _memory()
    cols = memory.question_columns("so nao chu tri ke hoach ngoai giao kinh te", ["lead", "overseas", "new"],
                                   set())
    assert cols.shape == (3, len(MEMORY_NAMES))
    assert cols[0, SIM] > 0.6 > cols[1, SIM] and cols[2, SIM] == 0.0  # a new answer has no past
    assert cols[0, RIVAL] > 0.3 and cols[1, RIVAL] < 0.0
    assert list(cols[:, NEAREST]) == [1.0, 0.0, 0.0]
    assert cols[0, BEST] == pytest.approx(cols[0, SIM]) and cols[0, OOS] < 0.3


def test_a_related_entry_is_no_rival():
    memory = _memory()
    args = ("ai chu tri ke hoach kieu bao dong gop", ["lead", "overseas"])
    apart = memory.question_columns(*args, set())
    related = memory.question_columns(*args, {("lead", "overseas"), ("overseas", "lead")})
    assert apart[1, SIM] > 0.0 and apart[0, RIVAL] < apart[0, SIM]
    assert related[0, RIVAL] == pytest.approx(related[0, SIM])


def test_vectors_are_what_the_vectorizer_makes():
    memory = _memory()
    texts = ["ai chu tri", "kieu bao o nhat", "zzz"]
    assert np.allclose(memory.vectors(texts).toarray(), memory.vectorizer.transform(texts).toarray(), atol=1e-6)


def test_training_never_shows_a_question_its_own_past_nor_a_left_out_fold():
    memory = _memory()
    text = "ai chu tri ke hoach ngoai giao kinh te"
    everything, without_first = memory_columns(memory, [text, text], [("lead",), ("lead",)], [0, -1], set(),
                                               [None, np.array([False, True, True])])
    assert everything[0][0, SIM] == 0.0  # the block of case 0 does not see case 0
    assert everything[1][0, SIM] == pytest.approx(1.0, abs=1e-5)  # a phrasing (no case) does
    assert without_first[1][0, SIM] == 0.0
    masked = memory.masked(np.array([False, True, True]))
    assert np.allclose(masked.question_columns(text, ["lead"], set()), without_first[1])
    renamed = memory.renamed({"lead": "x-lead"})
    assert renamed.question_columns(text, ["x-lead"], set())[0, SIM] == pytest.approx(1.0, abs=1e-5)


def test_a_pickled_memory_answers_alike():
    memory = _memory()
    again = pickle.loads(pickle.dumps(memory))
    args = ("kieu bao gop suc cho que", ["lead", "overseas"], set())
    assert np.array_equal(memory.question_columns(*args), again.question_columns(*args))


@pytest.mark.skipif(not RANKER_PATH.exists(), reason="no committed model")
def test_an_edited_answer_keeps_its_earlier_questions_and_a_new_entry_has_its_phrasings(kb: KnowledgeBase):
    memory = load_ranker(RANKER_PATH).memory
    assert memory is not None and len(memory) > 1000
    q = "Kế hoạch 119 ban hành ngày nào vậy?"
    m = Matcher(kb)
    query, entries, talk, _ = m.examine(q)
    top = entries[0]
    assert top.entry_id == "plan-date-issuer"
    sim = m.model_rows(query, [top], talk)[0, len(FEATURE_NAMES) + SIM]
    assert sim > 0.8
    entry = kb.entries[top.entry_id]
    rewritten = dataclasses.replace(entry, answer={k: v + " (đã cập nhật)" for k, v in entry.answer.items()})
    copy = dataclasses.replace(entry, id="plan-date-copy", related=())
    edited = Matcher(dataclasses.replace(kb, entries={**kb.entries, top.entry_id: rewritten, copy.id: copy}))
    query, entries, talk, _ = edited.examine(q)
    rows = {c.entry_id: row for c, row in zip(entries, edited.model_rows(query, entries, talk), strict=True)}
    assert rows[top.entry_id][len(FEATURE_NAMES) + SIM] == pytest.approx(sim)
    # an entry added in the chat: no earlier questions, so its own phrasings stand in for them
    assert copy.id not in memory.by_entry and rows[copy.id][len(FEATURE_NAMES) + SIM] > 0.5
