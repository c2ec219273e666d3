"""Line-aware YAML reading: the values safe_load gives, plus the line of every key and item."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from knowledge.loader import DEFAULT_DIR, yaml_files
from knowledge.yamlnodes import LinedDict, LinedList, error_line, line_of, read_yaml

SNIPPETS = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2023-05-15\nf: '1'\nh: yes\ni: 0x10\nk: ''\nl:\n",
    "1: a\nfalse: b\n2023-01-01: d\n? |\n  multi\n: g\n",
    "base: &b\n  x: 1\n  y: [1, 2]\nuse: *b\nlist: &l [a, b]\nagain: *l\n",
    "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nm2:\n  <<: [*b, {w: 9}]\n",
    "a: !!str 12\nb: !!int '7'\nc: !!set {p, q}\nd: !!binary aGVsbG8=\n",
    "a: |\n  line1\n  line2\nb: >\n  folded\n  text\n",
    "a:\n  - - 1\n    - [2, {c: d}]\n  - {e: [f, g]}\n",
    "- a\n- b: 1\n",
    "just text\n",
    "",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_values_are_what_safe_load_gives(text: str):
    value, duplicates = read_yaml(text)
    assert value == yaml.safe_load(text)
    assert duplicates == []


def test_every_knowledge_file_reads_as_safe_load_reads_it():
    for path in yaml_files(DEFAULT_DIR):
        text = path.read_text(encoding="utf-8")
        assert read_yaml(text)[0] == yaml.safe_load(text), path


def test_lines_of_keys_items_and_nested_values():
    text = "# head\nentries:\n  - id: a\n    questions:\n      vi:\n        - one\n        - two\n  - id: b\n"
    data, _ = read_yaml(text)
    assert isinstance(data, LinedDict) and data.line == 2 and line_of(data, "entries") == 2
    entries = data["entries"]
    assert isinstance(entries, LinedList) and entries.item_lines == [3, 8]
    first = entries[0]
    assert line_of(first, "id") == 3 and line_of(first, "questions") == 4
    assert first["questions"]["vi"].item_lines == [6, 7]
    assert line_of(first, "missing") == 3  # an absent key points at its mapping
    assert line_of("plain text") == 1 and line_of(None, default=9) == 9


def test_duplicate_keys_are_reported_with_their_lines_and_the_last_wins():
    data, duplicates = read_yaml("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n")
    assert data == {"a": 3, "b": {"x": 2}}
    assert duplicates == [(4, "x"), (5, "a")]


def test_a_key_of_its_own_overrides_a_merged_one_without_counting_as_a_repeat():
    data, duplicates = read_yaml("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  y: 4\n")
    assert data["m"] == {"x": 1, "y": 4}
    assert duplicates == [(5, "y")]
    assert line_of(data["m"], "x") == 1 and line_of(data["m"], "y") == 5


def test_an_alias_is_the_same_object_and_a_loop_is_refused():
    data, _ = read_yaml("a: &x [1]\nb: *x\n")
    assert data["a"] is data["b"]
    with pytest.raises(yaml.constructor.ConstructorError, match="recursive") as caught:
        read_yaml("a: &a [*a]\n")
    assert caught.value.problem_mark.line == 0


def test_unsafe_or_unknown_tags_and_bad_syntax_raise_with_a_mark():
    with pytest.raises(yaml.MarkedYAMLError):
        read_yaml("a: !!python/object:os.system x\n")
    with pytest.raises(yaml.MarkedYAMLError):
        read_yaml("a: !custom x\n")
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        read_yaml("a: [1, 2\nb: 3\n")
    assert caught.value.problem_mark is not None


def test_keys_that_are_not_text_keep_their_type_or_become_text():
    data, _ = read_yaml("1: a\n2023-01-01: b\n[1, 2]: c\n~: d\n")
    assert data == {1: "a", dt.date(2023, 1, 1): "b", "[1, 2]": "c", "None": "d"}


PLAN = DEFAULT_DIR / "entries" / "plan.yaml"
# (what the person did to the real plan.yaml, the line they touched, and the text there before)
BREAKS = [
    ("closing quote left out", '    - "kh 119 noi ve cai gi the"', lambda s: s[:-1]),
    ("':' dropped before a block of text", "    vi: |-", lambda s: s.replace(":", "", 1)),
    ("':' dropped after a key", "  topic: plan", lambda s: s.replace(":", "", 1)),
    ("']' left out", '  keywords: ["119/KH-UBND"', lambda s: s[:-1]),
    ("a ',' left out", '  keywords: ["119/KH-UBND"', lambda s: s.replace('", "', '" "', 1)),
    ("a line indented one space too far", "  topic: plan", lambda s: " " + s),
]


@pytest.mark.parametrize(("what", "start", "edit"), BREAKS, ids=[b[0] for b in BREAKS])
def test_a_syntax_error_names_the_line_that_was_broken(what, start, edit):
    """PyYAML's problem mark is where it gave up, often lines below the mistake."""
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith(start))
    lines[broken] = edit(lines[broken])
    text = "\n".join(lines) + "\n"
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        read_yaml(text)
    assert error_line(text, caught.value) == broken + 1, what


@pytest.mark.parametrize("loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
@pytest.mark.parametrize("text", ["entries: [\n  - id: x\n  bad", "[", "a: [\n", "a: 'x\n", "- a\nb: c\n",
                                  "a:\n\tb: 1\n", "a: |\n x\n  y\nb", "\"", "a: [1, {b: 2\n"])
def test_any_syntax_error_gets_a_line_in_the_text(text, loader):
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.load(text, Loader=loader)  # both are safe loaders
    assert 1 <= error_line(text, caught.value) <= text.count("\n") + 1
