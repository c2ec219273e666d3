"""Fit the learned confidence (``make train``): data, model, thresholds.

Training rows are (question, candidate entry) pairs labelled "this entry answers this question":
- leave-out phrasings: each entry's phrasings in five folds, each fold asked of the knowledge base
  without it (its own entry is the right answer);
- leave-entry-out: the entries in five folds, their phrasings asked of the knowledge base without
  them (realistic near misses: every candidate is wrong);
- question sets written for training (bench/train.yaml, bench/train2.yaml,
  ../shared/eval/practice.yaml), labelled by the judge's rule against each candidate entry's text;
  weighted REAL_WEIGHT times a synthetic row: measured by cross-validation, people's own wording
  teaches the model far more than the knowledge base's phrasings do.
The same written questions, and the phrasings as in-scope examples, fit the question-level scope
model (knowledge/scope.py); the confidence is the product of the two chances. They are also the
memory of earlier questions (knowledge/memory.py) whose columns follow the pair features; a row
never sees its own case there, nor a cross-validation fold its own cases.
The thresholds are chosen on cross-validated predictions for the written questions, which the
model that made them never saw, so that out-of-scope refusal stays at TARGET_OOS or more.

Why HistGradientBoostingClassifier: scikit-learn is already here for the character n-gram TF-IDF,
so the model costs no new dependency; it is deterministic with a fixed seed, needs no feature
scaling, and handles the few thousand rows in seconds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.ensemble import HistGradientBoostingClassifier

from knowledge import segment
from knowledge.matcher import CLARIFY_RATIO, Candidate, Matcher, MatchResult, Query, answers_both, reading
from knowledge.memory import MAX_CHARS as MEMORY_CHARS
from knowledge.memory import Memory, memory_columns
from knowledge.model import Entry, KnowledgeBase
from knowledge.normalize import fold
from knowledge.ranker import Ranker
from knowledge.scope import ScopeModel

FOLDS = 5
TARGET_OOS = 0.96
REAL_WEIGHT = 8.0
PHRASING_SCOPE_WEIGHT = 0.2
SEED = 0


class TrainingDataError(Exception):
    """A question file that cannot be used, as ``path:line: message``."""


@dataclass(frozen=True)
class Case:
    q: str
    oos: bool
    expect: tuple[tuple[str, ...], ...]
    style: str
    origin: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())


def judge(case: Case, text: str) -> bool:
    """The shared judge's rule: every expected group has an alternative in the answer text."""
    folded = _fold(text)
    return all(any(_fold(alt) in folded for alt in group) for group in case.expect)


def load_cases(path: Path) -> list[Case]:
    """Cases of a question file; TrainingDataError(path:line: message) for anything malformed."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise TrainingDataError(f"{path}:1: cannot read ({exc.strerror})") from None
    except yaml.MarkedYAMLError as exc:
        # where the broken construct starts, which is where people look ("while parsing ... at line 3")
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1
        raise TrainingDataError(f"{path}:{line}: not valid YAML ({exc.problem})") from None
    data = yaml.safe_load(text)
    cases_node = None
    if isinstance(node, yaml.MappingNode):
        cases_node = next((v for k, v in node.value if k.value == "cases"), None)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list) or cases_node is None:
        raise TrainingDataError(f"{path}:1: expected a mapping with a 'cases' list")
    out = []
    for item, item_node in zip(data["cases"], cases_node.value, strict=True):
        where = f"{path}:{item_node.start_mark.line + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
            raise TrainingDataError(f"{where}: a case needs a non-empty 'q'")
        oos = bool(item.get("oos"))
        expect = item.get("expect") or []
        if not oos and (not isinstance(expect, list) or not expect
                        or not all(isinstance(g, list) and g and all(isinstance(a, str) for a in g)
                                   for g in expect)):
            raise TrainingDataError(f"{where}: an in-scope case needs 'expect', a list of lists of strings")
        out.append(Case(item["q"], oos, tuple(tuple(g) for g in expect) if not oos else (),
                        str(item.get("style", "?")), where))
    return out


def _stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _without_phrasings(kb: KnowledgeBase, fold: int) -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    """The knowledge base with one fold of every entry's phrasings taken out, and those phrasings."""
    entries, held = {}, []
    for entry in kb.entries.values():
        questions = {}
        for lang, qs in entry.questions.items():
            keep = [q for q in qs if _stable(q) % FOLDS != fold]
            held += [(q, entry.id) for q in qs if _stable(q) % FOLDS == fold and keep]
            questions[lang] = tuple(keep) if keep else qs
        entries[entry.id] = dataclasses.replace(entry, questions=questions)
    return dataclasses.replace(kb, entries=entries), held


def _without_entries(kb: KnowledgeBase, fold: int) -> tuple[KnowledgeBase, list[tuple[str, Entry]]]:
    gone = {e for e in kb.entries if _stable(e) % FOLDS == fold}
    held = [(q, kb.entries[e]) for e in sorted(gone) for i, q in enumerate(kb.entries[e].all_questions())
            if i % 2 == 0]
    return dataclasses.replace(kb, entries={k: v for k, v in kb.entries.items() if k not in gone}), held


@dataclass
class Rows:
    """Pair-feature rows, block by block (one block is one question's candidates), with what the
    earlier-questions columns are computed from when the fold to leave out is known."""

    x: list[np.ndarray] = dataclasses.field(default_factory=list)
    y: list[np.ndarray] = dataclasses.field(default_factory=list)
    w: list[np.ndarray] = dataclasses.field(default_factory=list)
    group: list[np.ndarray] = dataclasses.field(default_factory=list)
    readings: list[str] = dataclasses.field(default_factory=list)
    candidates: list[tuple[str, ...]] = dataclasses.field(default_factory=list)

    def add(self, m: Matcher, query: Query, entries: list[Candidate], talk: Candidate | None, lang: str,
            y: Iterable[int], weight: float, group: int) -> None:
        y = np.asarray(list(y), dtype=np.int8)
        self.x.append(m.pair_rows(query, entries, talk, lang))
        self.y.append(y)
        self.w.append(np.full(len(y), weight))
        self.group.append(np.full(len(y), group))
        self.readings.append(reading(query))
        self.candidates.append(tuple(c.entry_id for c in entries))

    def arrays(self, extra: list[np.ndarray] | None = None,
               keep: Callable[[np.ndarray], np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows (with ``extra`` columns block by block), labels and weights; ``keep``: which
        groups."""
        blocks = self.x if extra is None else [np.hstack(p) for p in zip(self.x, extra, strict=True)]
        x = np.concatenate(blocks)
        y, w, g = (np.concatenate(a) for a in (self.y, self.w, self.group))
        if keep is not None:
            mask = keep(g)
            x, y, w = x[mask], y[mask], w[mask]
        return x, y, w


def _texts(question: str) -> list[str]:
    """What the matcher scores for a message: its questions when it is long, and the whole."""
    parts = segment.questions(question)
    return [*parts, *segment.in_context(question), question] if parts else [question]


# Subjects far from the plan, to make near misses out of real phrasings: "Mặt trận Tổ quốc có
# nhiệm vụ gì trong bầu cử" is not answered by the entry on the Front's duties under the plan.
OTHER_SUBJECTS = (
    "bầu cử", "thời tiết", "bóng đá", "học phí", "bảo hiểm y tế", "giao thông", "đất đai", "xổ số",
    "tuyển sinh",
    "nhà ở xã hội", "tiền lương", "lương hưu", "giá điện", "nước sạch", "rác thải", "dịch bệnh", "tiêm chủng",
    "sân bay", "chứng khoán", "lãi suất", "giá vàng", "nghĩa vụ quân sự", "căn cước", "bằng lái xe",
    "bệnh viện", "thể thao", "âm nhạc", "lũ lụt", "tôn giáo", "báo chí", "election", "weather", "football",
    "tuition", "insurance", "traffic", "lottery", "housing", "salary", "pension", "electricity", "hospital",
    "police", "military service", "driving licence", "vaccination", "religion", "newspapers",
)


# Things people ask about a body or document the bot knows that no source holds: each, put to an
# entry's own names (its keywords), makes a near miss that its entry does not answer.
ASKED_OF = (
    "{} có bao nhiêu phòng ban", "{} tuyển dụng những vị trí nào", "mức lương ở {} khoảng bao nhiêu",
    "{} có trụ sở mới ở đâu", "ai đang đứng đầu {}", "{} được khen thưởng những gì",
    "{} có quỹ học bổng không",
    "lịch làm việc tuần này của {}", "{} có cho thuê hội trường không", "người dân đánh giá {} thế nào",
    "{} đã chi bao nhiêu tiền năm ngoái", "{} có bao nhiêu xe công", "{} có văn phòng ở Hà Nội không",
    "hạn chót nộp hồ sơ cho {} là ngày nào", "{} đã ký bao nhiêu hợp đồng năm nay",
    "does {} offer internships", "who is the spokesperson of {}", "how big was the budget of {} last year",
    "when does {} open on weekends", "how many projects has {} completed",
)


def asked_of(entry: Entry, n: int) -> list[str]:
    names = [k for k in entry.keywords if len(k.split()) >= 2][:2]
    return [ASKED_OF[(n + i * 7) % len(ASKED_OF)].format(name) for i, name in enumerate(names)]


def _displaced(m: Matcher, q: str, owner: str, n: int) -> str | None:
    """The phrasing with its most telling word replaced by a subject the knowledge base never
    mentions: a realistic question that its entry does not answer."""
    words = q.split()
    vocab = m.doc_tokens.get(owner, {})
    scored = [(m.weights.get(fold(w).lower().strip("?.,!"), 0.0), i) for i, w in enumerate(words)
              if fold(w).lower().strip("?.,!") in vocab]
    if not scored:
        return None
    _, at = max(scored)
    subjects = [s for s in OTHER_SUBJECTS if not any(fold(w) in m.weights for w in s.split())]
    if not subjects:
        return None
    words[at] = subjects[n % len(subjects)]
    return " ".join(words)


def synthetic_rows(kb: KnowledgeBase) -> Rows:
    rows = Rows()
    for fold_no in range(FOLDS):
        sub, held = _without_phrasings(kb, fold_no)
        m = Matcher(sub, legacy=True)
        for n, (q, owner) in enumerate(held):
            query, entries, talk, reason = m.examine(q)
            if reason or not entries:
                continue
            rows.add(m, query, entries, talk, m.language(q), (c.entry_id == owner for c in entries),
                     1.0, -1)
            other = _displaced(m, q, owner, n) if n % 2 == 0 else None
            if other is not None:
                query, entries, talk, reason = m.examine(other)
                if not reason and entries:
                    rows.add(m, query, entries, talk, m.language(other), (0 for _ in entries),
                             1.0, -1)
        for n, entry in enumerate(sorted(sub.entries.values(), key=lambda e: e.id)):
            if _stable(entry.id) % FOLDS != fold_no:
                continue
            for q in asked_of(entry, n):
                query, entries, talk, reason = m.examine(q)
                if not reason and entries:
                    rows.add(m, query, entries, talk, m.language(q), (0 for _ in entries), 1.0, -1)
        sub, gone = _without_entries(kb, fold_no)
        m = Matcher(sub, legacy=True)
        for q, owner in gone:
            query, entries, talk, reason = m.examine(q)
            entries = [c for c in entries if c.entry_id not in owner.related]
            if reason or not entries:
                continue
            rows.add(m, query, entries, talk, m.language(q), (0 for _ in entries), 1.0, -1)
    return rows


def case_rows(m: Matcher, cases: list[Case], rows: Rows, first_group: int = 0) -> None:
    """Rows for written questions; each case is its own group (for cross-validation)."""
    for n, case in enumerate(cases):
        lang = m.language(case.q)
        for text in _texts(case.q):
            query, entries, talk, reason = m.examine(text)
            if reason or not entries:
                continue
            labels = (0 if case.oos else int(judge(case, _answer(m.kb, c.entry_id, lang))) for c in entries)
            rows.add(m, query, entries, talk, lang, labels, REAL_WEIGHT, first_group + n)


def _answer(kb: KnowledgeBase, entry_id: str, lang: str) -> str:
    entry = kb.entries[entry_id]
    return entry.answer.get(lang) or entry.answer["vi"]


def _said(kb: KnowledgeBase, result: MatchResult) -> str:
    """What the bot's answer says: the entry's answer, and the second question's when both are."""
    first = kb.entries[result.candidates[0].entry_id]
    second = kb.entries.get(result.also.entry_id) if result.also else None
    said = _answer(kb, first.id, result.lang)
    if second is not None and answers_both(first, second, result.lang):
        said += "\n\n" + _answer(kb, second.id, result.lang)
    return said


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> HistGradientBoostingClassifier:
    # Cross-validated at 96 % refusal on 8,797 written questions: 7 leaves x 400 trees gave 78.9 %
    # in scope, 15 x 400 (depth 6) 79.9 %, 31 x 300 (depth 8) 80.9 %, 31 x 500 81.1 %, 31 x 800
    # 81.3 %, 63 x 500 (depth 10) 81.6 %: this is the knee, at 0.24 ms a prediction.
    model = HistGradientBoostingClassifier(
        max_iter=500, learning_rate=0.05, max_leaf_nodes=31, max_depth=8, min_samples_leaf=20,
        l2_regularization=1.0, early_stopping=False, random_state=SEED)
    return model.fit(x, y, sample_weight=w)


# The answer thresholds tried (the clarify threshold is CLARIFY_RATIO times the answer one).
GRID = np.arange(0.0, 100.0, 0.5)


def clarify_for(threshold: float) -> float:
    return round(threshold * CLARIFY_RATIO, 1)


@dataclass(frozen=True)
class Outcome:
    """What the bot does with one case at each threshold of GRID: whether it answers, and whether
    rightly. Not one confidence against a threshold: a long message is answered from the first of
    its questions the bot is sure of, so a higher threshold can answer it from another sentence."""
    case: Case
    answered: np.ndarray
    right: np.ndarray

    def at(self, threshold: float) -> tuple[bool, bool]:
        i = int(np.clip(round(threshold / 0.5), 0, len(GRID) - 1))
        return bool(self.answered[i]), bool(self.right[i])


def outcomes(m: Matcher, cases: list[Case]) -> list[Outcome]:
    """Each case decided as the bot would at every threshold of GRID. A message is scored once;
    the decision is taken again only past a threshold where one of its scores could change it."""
    saved = m.answer_threshold, m.clarify_threshold
    out = []
    try:
        for case in cases:
            answered = np.zeros(len(GRID), dtype=bool)
            right = np.zeros(len(GRID), dtype=bool)
            with m.memoised():
                i = 0
                while i < len(GRID):
                    m.answer_threshold, m.clarify_threshold = float(GRID[i]), clarify_for(float(GRID[i]))
                    r = m.match(case.q)
                    ok = r.status == "answer"
                    good = ok and not case.oos and judge(case, _said(m.kb, r))
                    # the same decision holds up to the next threshold a score could change it at
                    ahead = [b for b in m.breakpoints() if b >= GRID[i]]
                    j = int(np.searchsorted(GRID, min(ahead), side="right")) - 1 if ahead else len(GRID)
                    j = max(j, i + 1)
                    answered[i:j], right[i:j] = ok, good
                    i = j
            out.append(Outcome(case, answered, right))
    finally:
        m.answer_threshold, m.clarify_threshold = saved
    return out


def rates(results: list[Outcome], threshold: float) -> tuple[float, float]:
    """(in-scope right, out-of-scope refused) when answering from ``threshold``."""
    ins = [o.at(threshold)[1] for o in results if not o.case.oos]
    oos = [not o.at(threshold)[0] for o in results if o.case.oos]
    return sum(ins) / max(len(ins), 1), sum(oos) / max(len(oos), 1)


def choose_threshold(results: list[Outcome], target: float = TARGET_OOS) -> float:
    """The lowest answer threshold that keeps out-of-scope refusal at ``target``: lower thresholds
    answer more people, so the lowest allowed one answers the most."""
    oos = np.array([o.answered for o in results if o.case.oos]).reshape(-1, len(GRID))
    refused = 1.0 - oos.mean(axis=0) if len(oos) else np.ones(len(GRID))
    for i, t in enumerate(GRID):
        if t >= 20.0 and refused[i] >= target:
            return float(t)
    return float(GRID[-1])


def train(kb: KnowledgeBase, written: list[Case], log: Callable[[str], None] = print,
          folds: Sequence[int] | None = None) -> tuple[Ranker, list[Outcome]]:
    """The model fitted on everything, with thresholds from cross-validated predictions; and those
    cross-validated outcomes (for reporting). ``folds``: each written case's fold; by default the
    cases are dealt out in turn (one fold per writer measures what a new writer would see)."""
    fold_of = np.asarray(folds if folds is not None else [n % FOLDS for n in range(len(written))])
    base = Matcher(kb, legacy=True)
    synth = synthetic_rows(kb)
    log(f"synthetic rows: {sum(len(y) for y in synth.y)}")
    real = Rows()
    case_rows(base, written, real)
    log(f"written-question rows: {sum(len(y) for y in real.y)} from {len(written)} cases")
    memory = build_memory(base, written)
    masks = [*(fold_of[memory.groups] != part for part in range(FOLDS)), None]
    s_cols, r_cols = (memory_columns(memory, rows.readings, rows.candidates, [int(g[0]) for g in rows.group],
                                     base.related, masks)
                      for rows in (synth, real))
    log(f"earlier questions in memory: {len(memory)}")
    cv: list[Outcome] = []
    for part in range(FOLDS):
        keep = fold_of != part
        sx, sy, sw = synth.arrays(s_cols[part])
        rx, ry, rw = real.arrays(r_cols[part], lambda g, keep=keep: keep[g])
        model = fit(np.vstack([sx, rx]), np.concatenate([sy, ry]), np.concatenate([sw, rw]))
        scope = fit_scope(kb, [c for n, c in enumerate(written) if keep[n]], base.scope_reading)
        m = Matcher(kb, ranker=Ranker(model, 0.0, 0.0, {}, scope, memory.masked(masks[part])))
        cv += outcomes(m, [c for n, c in enumerate(written) if fold_of[n] == part])
    threshold = choose_threshold(cv)
    ins, oos = rates(cv, threshold)
    log(f"cross-validated on written questions: answer from {threshold:.1f}: in-scope right {ins:.1%}, "
        f"out-of-scope refused {oos:.1%}")
    sx, sy, sw = synth.arrays(s_cols[-1])
    rx, ry, rw = real.arrays(r_cols[-1])
    model = fit(np.vstack([sx, rx]), np.concatenate([sy, ry]), np.concatenate([sw, rw]))
    info = {"cases": len(written), "rows": int(len(sy) + len(ry)), "cv_inscope": round(ins, 4),
            "cv_oos": round(oos, 4)}
    scope = fit_scope(kb, written, base.scope_reading)
    return Ranker(model, threshold, clarify_for(threshold), info, scope, memory), cv


def build_memory(m: Matcher, written: list[Case]) -> Memory:
    """The written questions short enough to compare whole, each with the entries that answer it
    by the judge's rule (knowledge/memory.py); group: the case's number."""
    folded = {(e.id, lang): _fold(text) for e in m.kb.entries.values() for lang, text in e.answer.items()}
    readings, labels, oos, groups = [], [], [], []
    for n, case in enumerate(written):
        query = m.examine(case.q)[0] if len(case.q) <= MEMORY_CHARS else None
        if query is None:
            continue
        lang = m.language(case.q)
        right = frozenset() if case.oos else frozenset(
            e.id for e in m.kb.entries.values()
            if all(any(_fold(alt) in folded.get((e.id, lang), folded[(e.id, "vi")]) for alt in group)
                   for group in case.expect))
        readings.append(reading(query))
        labels.append(right)
        oos.append(case.oos)
        groups.append(n)
    return Memory.build(readings, labels, oos, groups)


def fit_scope(kb: KnowledgeBase, cases: list[Case], scope_reading: Callable[[str], str]) -> ScopeModel:
    """The question-level model (knowledge/scope.py): written questions in scope or not, and every
    phrasing of the knowledge base as in scope, lightly weighted (people's own wording says more;
    measured writer by writer, full weight cost two points)."""
    phrasings = [q for entry in kb.entries.values() for q in entry.all_questions()]
    return ScopeModel.fit([scope_reading(q) for q in (*(c.q for c in cases), *phrasings)],
                          [*(0 if c.oos else 1 for c in cases), *(1 for _ in phrasings)], kb.entries.values(),
                          [*(1.0 for _ in cases), *(PHRASING_SCOPE_WEIGHT for _ in phrasings)])
