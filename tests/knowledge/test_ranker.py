"""The learned confidence model: committed, reproducible, refused when it does not fit."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from bot import cli
from knowledge import matcher as matcher_module
from knowledge.loader import load_dir
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.ranker import RANKER_PATH, RankerError, load_ranker
from knowledge.training import TrainingDataError, load_cases, train

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import train as train_script  # noqa: E402

TRAINING = list(train_script.TRAINING_FILES)


def _rows(m: Matcher, questions: list[str]) -> np.ndarray:
    out = []
    for q in questions:
        query, entries, talk, reason = m.examine(q)
        if entries and not reason:
            out.append(m.model_rows(query, entries, talk))
    return np.vstack(out)


@pytest.mark.skipif(not TRAINING[-1].exists(), reason="the shared practice set is not beside the project")
def test_the_committed_model_is_what_make_train_builds(kb: KnowledgeBase):
    committed = load_ranker(RANKER_PATH)
    cases = [c for path in TRAINING for c in load_cases(path)]
    fresh, _ = train(kb, cases, log=lambda _msg: None)
    assert committed.memory is not None and fresh.memory is not None
    assert committed.memory.labels == fresh.memory.labels
    assert (committed.memory.matrix_t != fresh.memory.matrix_t).nnz == 0
    m = Matcher(kb, ranker=committed)
    rows = _rows(m, [c.q for c in cases[::7]])
    assert np.allclose(committed.predict(rows), fresh.predict(rows), atol=1e-9)
    assert committed.scope is not None and fresh.scope is not None
    assert committed.scope.entries == fresh.scope.entries
    questions = [c.q for c in cases[::5]]
    assert np.allclose([committed.scope.chance(q) for q in questions],
                       [fresh.scope.chance(q) for q in questions], atol=1e-9)
    assert (committed.answer_threshold, committed.clarify_threshold) == (fresh.answer_threshold,
                                                                         fresh.clarify_threshold)


def test_a_missing_or_foreign_model_is_refused_in_one_line(tmp_path: Path):
    with pytest.raises(RankerError, match="missing") as missing:
        load_ranker(tmp_path / "ranker.pkl")
    assert "\n" not in str(missing.value) and "make train" in str(missing.value)
    other = tmp_path / "other.pkl"
    data = pickle.loads(RANKER_PATH.read_bytes())
    other.write_bytes(pickle.dumps({**data, "feature_hash": "0" * 16}))
    with pytest.raises(RankerError, match="other features"):
        load_ranker(other)
    broken = tmp_path / "broken.pkl"
    broken.write_bytes(RANKER_PATH.read_bytes()[:100])
    with pytest.raises(RankerError, match="cannot be read"):
        load_ranker(broken)


def test_the_bot_will_not_start_without_its_model(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]):
    def refuse() -> None:
        raise RankerError("knowledge/ranker.pkl: the answer-confidence model is missing; run `make train`")

    monkeypatch.setattr(matcher_module, "load_ranker", refuse)
    assert cli.main(["ask", "kế hoạch 119 là gì"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "model is missing" in err[0]


@pytest.mark.parametrize("text, line", [
    ("cases:\n- {q: 'a', expect: [['x']]}\n- {q: 'b', expect: [['y']\n", 3),
    ("cases:\n- {q: 'a', expect: [['x']]}\n- {q: '', oos: true}\n", 3),
    ("cases:\n- {q: 'a', expect: [['x']]}\n- {q: 'b'}\n", 3),
    ("- just a list\n", 1),
])
def test_a_malformed_training_file_is_reported_by_path_and_line(tmp_path: Path, text: str, line: int,
                                                                capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=rf"^{path}:{line}: "):
        load_cases(path)
    assert train_script.main(["--check", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:{line}: ")


def test_the_model_serves_any_knowledge_base(kb_copy: Path):
    """Nothing in the features names an entry: a copy with every id renamed (and its earlier
    questions with it) answers alike."""
    kb = load_dir(kb_copy)
    renamed = KnowledgeBase({f"x-{k}": v.__class__(**{**v.__dict__, "id": f"x-{k}",
                                                        "related": tuple(f"x-{r}" for r in v.related)})
                             for k, v in kb.entries.items()}, kb.topics, kb.sources, kb.contacts, kb.smalltalk,
                            kb.language)
    ranker = load_ranker(RANKER_PATH)
    assert ranker.memory is not None
    # the earlier questions are remembered by entry: renamed with them
    memory = ranker.memory.renamed({k: f"x-{k}" for k in kb.entries})
    a, b = Matcher(kb), Matcher(renamed, ranker=dataclasses.replace(ranker, memory=memory))
    for q in ("ai chủ trì kế hoạch 119", "kiều bào đóng góp gì cho quê hương", "VCCI làm gì trong kế hoạch"):
        ra, rb = a.match(q), b.match(q)
        assert (ra.status, ra.confidence) == (rb.status, rb.confidence)
        assert rb.candidates[0].entry_id == f"x-{ra.candidates[0].entry_id}"


def test_the_flat_forest_predicts_exactly_what_scikit_learn_does(kb: KnowledgeBase):
    ranker = load_ranker(RANKER_PATH)
    m = Matcher(kb)
    rows = _rows(m, ["ai chủ trì kế hoạch 119", "kieu bao dong gop gi", "What does VCCI do?", "thời tiết"])
    odd = np.random.default_rng(0).uniform(-1.0, 3.0, size=(40, rows.shape[1]))
    odd[::3, 5] = np.nan  # a missing value goes the way the tree learned
    for x in (rows, odd):
        assert np.allclose(ranker.predict(x), ranker.model.predict_proba(x)[:, 1], rtol=0, atol=1e-12)
