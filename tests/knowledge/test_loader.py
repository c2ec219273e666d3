"""Validation: each kind of problem is reported with its file and line, and the bot refuses to load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.loader import KnowledgeError, load_dir, validate_dir

ENTRY = """\
entries:
- id: test-entry
  topic: plan
  questions:
    vi: [câu một về thử nghiệm, câu hai về thử nghiệm, câu ba về thử nghiệm, câu bốn về thử nghiệm,
         câu năm về thử nghiệm]
    en: [test question one, test question two]
  answer:
    vi: Trả lời.
    en: Answer.
  sources: [article-119]
  as_of: 2023-05-15
"""


def write(kb_dir: Path, name: str, text: str) -> Path:
    path = kb_dir / "entries" / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(kb_dir: Path) -> list[str]:
    _, problems = validate_dir(kb_dir)
    return [str(p) for p in problems]


def test_real_knowledge_base_is_valid(kb):
    assert len(kb.entries) >= 40
    assert {"plan", "tasks", "responsibilities", "business", "overseas", "contacts"} <= set(kb.topics)


def test_valid_extra_file_passes(kb_copy):
    write(kb_copy, "zz-extra.yaml", ENTRY)
    assert messages(kb_copy) == []


def test_yaml_syntax_error_has_line(kb_copy):
    write(kb_copy, "broken.yaml", "entries:\n- id: x\n  topic: [unclosed\n  answer: y\n")
    found = messages(kb_copy)
    assert len(found) == 1
    assert "broken.yaml:" in found[0] and "YAML syntax error" in found[0]
    line = int(found[0].split("broken.yaml:")[1].split(":")[0])
    assert line >= 3


def test_unknown_and_missing_fields(kb_copy):
    text = ENTRY.replace("  topic: plan\n", "  topik: plan\n")
    write(kb_copy, "zz-extra.yaml", text)
    found = messages(kb_copy)
    assert any("zz-extra.yaml:3: unknown field 'topik'" in m for m in found)
    assert any("zz-extra.yaml:2: missing field 'topic'" in m for m in found)


def test_duplicate_id_across_files(kb_copy):
    write(kb_copy, "zz-extra.yaml", ENTRY.replace("test-entry", "plan-overview"))
    found = messages(kb_copy)
    assert any("zz-extra.yaml:2: duplicate id 'plan-overview' (first defined at" in m and "plan.yaml:" in m
               for m in found)


def test_same_phrasing_in_two_entries(kb_copy, kb):
    taken = kb.entries["plan-overview"].questions["vi"][0]
    # Same words, other case and no diacritics: still the same phrasing.
    from knowledge.normalize import fold

    write(kb_copy, "zz-extra.yaml", ENTRY.replace("câu một về thử nghiệm", fold(taken).upper()))
    found = messages(kb_copy)
    assert any("zz-extra.yaml:5:" in m and "also belongs to entry 'plan-overview'" in m for m in found)


def test_empty_and_too_long_answers(kb_copy):
    write(kb_copy, "a.yaml", ENTRY.replace("vi: Trả lời.", 'vi: ""'))
    write(kb_copy, "b.yaml", ENTRY.replace("test-entry", "test-two").replace("thử nghiệm", "kiểm tra")
          .replace("test question", "check question").replace("en: Answer.", "en: " + "x" * 3600))
    found = messages(kb_copy)
    assert any("a.yaml:9:" in m and "must be non-empty" in m for m in found)
    assert any("b.yaml:10: answer.en is 3600 characters" in m for m in found)


def test_unknown_topic_source_related_contact(kb_copy):
    text = (ENTRY.replace("topic: plan", "topic: weather").replace("[article-119]", "[made-up]")
            + "  related: [no-such-entry]\n  contact: nobody\n")
    write(kb_copy, "zz-extra.yaml", text)
    found = messages(kb_copy)
    assert any("zz-extra.yaml:3: unknown topic 'weather'" in m for m in found)
    assert any("zz-extra.yaml:11: unknown source 'made-up'" in m for m in found)
    assert any("zz-extra.yaml:13: unknown related entry 'no-such-entry'" in m for m in found)
    assert any("zz-extra.yaml:14: unknown contact 'nobody'" in m for m in found)


def test_too_few_phrasings(kb_copy):
    write(kb_copy, "zz-extra.yaml", ENTRY.replace("    en: [test question one, test question two]\n",
                                               "    en: [test question one]\n"))
    assert any("at least 2 'en' phrasings" in m for m in messages(kb_copy))


def test_duplicate_key_in_mapping(kb_copy):
    write(kb_copy, "zz-extra.yaml", ENTRY.replace("  as_of: 2023-05-15\n", "  as_of: 2023-05-15\n  topic: plan\n"))
    assert any("zz-extra.yaml:13: duplicate key 'topic'" in m for m in messages(kb_copy))


def test_broken_topics_file_is_reported_not_raised(kb_copy):
    (kb_copy / "topics.yaml").write_text("topics: {not: a list}\n", encoding="utf-8")
    found = messages(kb_copy)
    assert any("topics.yaml:1: file must contain a list under 'topics:'" in m for m in found)


def test_load_dir_raises_with_every_problem(kb_copy):
    write(kb_copy, "a.yaml", "entries: [\n")
    write(kb_copy, "b.yaml", ENTRY.replace("topic: plan", "topic: nope"))
    with pytest.raises(KnowledgeError) as err:
        load_dir(kb_copy)
    text = str(err.value)
    assert "a.yaml" in text and "b.yaml" in text


def test_answers_carry_no_invented_contact_details(kb):
    """No phone number, e-mail or web address may appear in an answer unless a source gives it."""
    import re

    pattern = re.compile(r"((\+84|\b0\d{2,3})[\s.-]?\d{3}[\s.-]?\d{3,4}\b)|(\w@\w)|(https?://)|(www\.)")
    for entry in kb.entries.values():
        for text in entry.answer.values():
            assert not pattern.search(text), entry.id
    for contact in kb.contacts.values():
        assert not any(contact.details.values()), f"{contact.id}: details must be filled by administrators"


def test_every_source_paragraph_is_reachable(kb):
    """Each assigned body of the article is named by some entry's phrasings."""
    bodies = ["sở ngoại vụ", "mặt trận tổ quốc", "ban tuyên giáo", "liên hiệp các tổ chức hữu nghị",
              "hiệp hội doanh nghiệp", "vcci", "xúc tiến đầu tư", "sở kế hoạch và đầu tư"]
    phrasings = " ".join(q.lower() for e in kb.entries.values() for q in e.all_questions())
    for body in bodies:
        assert body in phrasings, body


def test_kb_files_are_plain_yaml(kb):
    from knowledge.loader import DEFAULT_DIR

    for path in DEFAULT_DIR.rglob("*.yaml"):
        assert yaml.safe_load(path.read_text(encoding="utf-8")) is not None, path


@pytest.mark.parametrize(
    ("lang", "old_body", "now"),
    [
        ("vi", "sở kế hoạch và đầu tư", "sở tài chính"),
        ("vi", "huyện", "1/7/2025"),
        ("vi", "ban tuyên giáo tỉnh ủy", "tuyên giáo và dân vận"),
        ("vi", "vcci chi nhánh thanh hóa", "ninh bình"),
        ("en", "planning and investment", "finance"),
    ],
)
def test_reorganised_bodies_always_come_with_what_they_are_now(kb, lang, old_body, now):
    """Nobody may be sent to a body that no longer exists: an answer naming one says what replaced it."""
    for entry in kb.entries.values():
        text = entry.answer[lang].lower()
        if old_body in text:
            assert now in text, f"{entry.id} ({lang}) names '{old_body}' without saying it is now '{now}'"


def test_paths_are_relative_to_the_knowledge_directory(kb_copy):
    write(kb_copy, "zz-extra.yaml", ENTRY.replace("topic: plan", "topic: weather"))
    [problem] = validate_dir(kb_copy)[1]
    assert problem.path == "entries/zz-extra.yaml" and str(problem).startswith("entries/zz-extra.yaml:3: ")
    assert problem.key == "kb_unknown_topic" and problem.kwargs() == {"id": "weather"}


def test_a_file_that_cannot_be_read_is_reported_once_and_what_refers_to_it_in_one_line(kb_copy, kb):
    plan = kb_copy / "entries" / "plan.yaml"
    plan_ids = {e.id for e in kb.entries.values() if e.origin.startswith("entries/plan.yaml:")}
    referring = {e.id for e in kb.entries.values() if set(e.related) & plan_ids and e.id not in plan_ids}
    assert len(referring) >= 3
    plan.write_text(plan.read_text(encoding="utf-8").replace("  topic: plan\n", "  topic plan\n", 1),
                    encoding="utf-8")
    write(kb_copy, "zz-extra.yaml", ENTRY + "  related: [no-such-entry]\n")
    found = messages(kb_copy)
    assert found == ["entries/plan.yaml:3: YAML syntax error: could not find expected ':'",
                     f"{len(referring)} entries refer to entries in entries/plan.yaml, which could not be read",
                     "entries/zz-extra.yaml:13: unknown related entry 'no-such-entry'"]  # still a real one


def test_an_unreadable_topics_file_is_not_blamed_on_every_entry(kb_copy, kb):
    topics = kb_copy / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("title:", "title", 1), encoding="utf-8")
    found = messages(kb_copy)
    assert found == ["topics.yaml:5: YAML syntax error: did not find expected key",
                     f"{len(kb.entries)} entries refer to topics in topics.yaml, which could not be read"]


def test_each_summary_follows_its_own_file(kb_copy):
    for name in ("plan.yaml", "tasks.yaml"):
        path = kb_copy / "entries" / name
        path.write_text(path.read_text(encoding="utf-8").replace("  topic: ", "  topic ", 1), encoding="utf-8")
    found = messages(kb_copy)
    assert [m.split(":")[0].split(" in ")[-1].split(",")[0] for m in found] == [
        "entries/plan.yaml", "entries/plan.yaml", "entries/tasks.yaml", "entries/tasks.yaml"]
    assert "refer to entries in entries/plan.yaml" in found[1] and "in entries/tasks.yaml" in found[3]
