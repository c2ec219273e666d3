"""What a question asks for: its type (who, when, which document, ...) and whether it asks for
something no source holds (a budget, a person's name, opening hours).

Read from the raw words, not the normalised ones: the normaliser turns English into Vietnamese
terms and drops padding, while "who" and "bao nhiêu" are exactly what this needs. The phrases are
knowledge-base data (``question_types.yaml``), so officials can extend them without code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

GAP = "*"
MAX_GAP = 12
QUESTION_TYPES = ("who", "when", "document", "quantity", "why", "how", "role", "contact", "list")
NOT_HELD_KINDS = ("person", "budget", "staff", "hours", "procedure", "results", "figures", "incentives",
                  "schedule", "year")
# first word -> the (kind, phrase) pairs whose phrase starts with it
PhraseIndex = dict[str, tuple[tuple[str, tuple[str, ...]], ...]]


def _phrases(raw: Iterable[object]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(p).lower().split()) for p in raw if str(p).strip())


def _find(folds: list[str], phrase: tuple[str, ...], start: int = 0) -> int:
    """Index just past the first occurrence of ``phrase`` at or after ``start``; -1 if none. A gap
    ("*") stands for up to MAX_GAP words."""
    if not phrase:
        return start
    if phrase[0] == GAP:
        rest = phrase[1:]
        for skip in range(MAX_GAP + 1):
            if start + skip > len(folds):
                break
            end = _match_at(folds, rest, start + skip)
            if end >= 0:
                return end
        return -1
    for i in range(start, len(folds) - len(phrase) + 1):
        end = _match_at(folds, phrase, i)
        if end >= 0:
            return end
    return -1


def _match_at(folds: list[str], phrase: tuple[str, ...], i: int) -> int:
    for j, word in enumerate(phrase):
        if word == GAP:
            return _find(folds, phrase[j:], i)
        if i >= len(folds) or folds[i] != word:
            return -1
        i += 1
    return i


@dataclass(frozen=True)
class QuestionKinds:
    """The phrase tables of ``question_types.yaml``, ready to read questions with."""

    types: Mapping[str, tuple[tuple[str, ...], ...]]
    not_held: Mapping[str, tuple[tuple[str, ...], ...]]
    context: str = ""
    # phrases by which a question checks a statement ("… phải không?", "is that right?")
    checks: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_data(cls, data: Mapping | None) -> QuestionKinds:
        data = data or {}
        types = data.get("types") or {}
        not_held = data.get("not_held") or {}
        return cls({k: _phrases(v or ()) for k, v in types.items()},
                   {k: _phrases(v or ()) for k, v in not_held.items()}, str(data.get("context") or ""),
                   _phrases(data.get("checks") or ()))

    @staticmethod
    def _by_first_word(table: Mapping[str, tuple[tuple[str, ...], ...]]) -> PhraseIndex:
        """Each phrase under its first word: a question is checked against the phrases that start
        with one of its words, not against every phrase (hundreds) of the table."""
        index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for kind, phrases in table.items():
            for phrase in phrases:
                index.setdefault(phrase[0], []).append((kind, phrase))
        return {word: tuple(entries) for word, entries in index.items()}

    @cached_property
    def _types_index(self) -> PhraseIndex:
        return self._by_first_word(self.types)

    @cached_property
    def _not_held_index(self) -> PhraseIndex:
        return self._by_first_word(self.not_held)

    @staticmethod
    def _hits(folds: list[str], index: PhraseIndex) -> frozenset[str]:
        found: set[str] = set()
        for word in set(folds):
            for kind, phrase in index.get(word, ()):
                if kind not in found and _find(folds, phrase) >= 0:
                    found.add(kind)
        return frozenset(found)

    def types_of(self, folds: list[str]) -> frozenset[str]:
        return self._hits(folds, self._types_index)

    def not_held_of(self, folds: list[str]) -> frozenset[str]:
        return self._hits(folds, self._not_held_index)

    def checks_statement(self, folds: list[str]) -> bool:
        """Whether the question checks a statement: its year or document may be the wrong premise
        to correct, not a subject of its own."""
        return any(_find(folds, phrase) >= 0 for phrase in self.checks)


def check(data: object) -> list[tuple[str, str]]:
    """Problems in a ``question_types.yaml`` mapping, as (key, message)."""
    if not isinstance(data, Mapping):
        return [("", "question_types.yaml must be a mapping with 'types' and 'not_held'")]
    problems = []
    if not isinstance(data.get("context", ""), str):
        problems.append(("context", "'context' must be a short text"))
    checks = data.get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(p, str) and p.strip() and p.split()[0] != GAP
                                               for p in checks):
        problems.append(("checks", "'checks' must be a list of non-empty phrases, none starting with '*'"))
    for section, known in (("types", QUESTION_TYPES), ("not_held", NOT_HELD_KINDS)):
        table = data.get(section)
        if not isinstance(table, Mapping):
            problems.append((section, f"'{section}' must be a mapping of kind -> list of phrases"))
            continue
        for kind, phrases in table.items():
            if kind not in known:
                problems.append((f"{section}.{kind}", f"unknown kind '{kind}' (known: {', '.join(known)})"))
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                problems.append((f"{section}.{kind}", "must be a list of non-empty phrases"))
            elif any(p.split()[0] == GAP for p in phrases):
                problems.append((f"{section}.{kind}", "a phrase must not start with '*'"))
    return problems
