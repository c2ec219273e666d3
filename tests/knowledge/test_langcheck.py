"""A mistake in the language files is reported with file and line by `kb validate`; it never
crashes the bot while it builds its lexicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.loader import KnowledgeError, load_dir, validate_dir
from knowledge.matcher import Matcher


def messages(kb_dir: Path) -> list[str]:
    _, problems = validate_dir(kb_dir)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\nsynonyms:\n", "\nsynonyms: kiều bào\nunused:\n", r"synonyms\.yaml:\d+: 'synonyms' must be a list"),
        ("- [kế hoạch, plan, ke hoach]", "- kế hoạch", r"synonyms\.yaml:\d+: group \d+ must be a list"),
        ("- [kế hoạch, plan, ke hoach]", "- [kế hoạch, [plan]]", r"group \d+ must be a list of phrases"),
        ("  ubnd: ủy ban nhân dân\n", "  ubnd: [ủy ban]\n", r"synonyms\.yaml:\d+: an abbreviation and its full"),
    ],
)
def test_a_malformed_synonyms_file_is_reported(kb_copy, old, new, expected):
    path = kb_copy / "synonyms.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = messages(kb_copy)
    assert any(re.search(expected, m) for m in found), found
    with pytest.raises(KnowledgeError):
        load_dir(kb_copy)


def test_a_bare_no_in_the_stop_words_is_explained(kb_copy):
    """YAML reads a bare no as false: the word would silently be lost."""
    path = kb_copy / "stopwords.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"no"', "no", 1), encoding="utf-8")
    found = messages(kb_copy)
    assert any(re.search(r"stopwords\.yaml:\d+: 'en' must be a list of words \(put quotes", m) for m in found)


def test_numbers_in_a_synonym_group_are_words(kb_copy):
    path = kb_copy / "synonyms.yaml"
    text = path.read_text(encoding="utf-8").replace('- ["119", ', "- [119, ", 1)
    path.write_text(text, encoding="utf-8")
    assert messages(kb_copy) == []
    lexicon = Matcher(load_dir(kb_copy)).lexicon
    assert [t.fold for t in lexicon.normalize("kế hoạch một một chín")] == ["ke", "hoach", "119"]


def test_a_top_level_mistake_in_the_question_kinds_points_at_its_line(kb_copy):
    path = kb_copy / "question_types.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("context:"))
    lines[at] = "context: [kế hoạch 119]"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"question_types.yaml:{at + 1}: 'context' must be a short text" in messages(kb_copy)


def test_the_statement_checks_must_be_a_list_of_phrases(kb_copy):
    path = kb_copy / "question_types.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("\nchecks: ["), text.index("\ntypes:")
    path.write_text(text[:start] + "\nchecks: phai khong" + text[end:], encoding="utf-8")
    at = path.read_text(encoding="utf-8").splitlines().index("checks: phai khong")
    assert f"question_types.yaml:{at + 1}: 'checks' must be a list of non-empty phrases, none starting with '*'" \
        in messages(kb_copy)


def test_other_languages_stop_words_must_be_a_list(kb_copy):
    path = kb_copy / "stopwords.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nother: [")
    path.write_text(text[:start] + "\nother: und\n", encoding="utf-8")
    assert any(re.search(r"stopwords\.yaml:\d+: 'other' must be a list of words", m) for m in messages(kb_copy))
