"""How chat versions combine with the curated YAML (knowledge/overlay.py)."""

from __future__ import annotations

import dataclasses

from knowledge.overlay import Version, entry_to_dict, fingerprint, merge, new_entry_id

EID = "resp-so-ngoai-vu"


def version(data: dict, base: str, n: int = 1) -> Version:
    return Version(data["id"], n, "edit", data, base, "telegram:1", 0.0)


def test_chat_version_overrides_the_file_entry_it_was_made_over(kb):
    data = entry_to_dict(kb.entries[EID])
    data["answer"]["vi"] = "Bản sửa từ chat."
    merged, notes = merge(kb, [version(data, fingerprint(kb.entries[EID]))])
    assert merged.entries[EID].answer["vi"] == "Bản sửa từ chat." and not notes
    assert kb.entries[EID].answer["vi"] != "Bản sửa từ chat."  # the baseline is untouched


def test_a_newer_file_version_supersedes_the_chat_version_and_says_so(kb):
    data = entry_to_dict(kb.entries[EID])
    data["answer"]["vi"] = "Bản sửa từ chat."
    chat = version(data, fingerprint(kb.entries[EID]), 3)
    newer_file = dataclasses.replace(kb.entries[EID], answer={**kb.entries[EID].answer, "vi": "Tệp mới."})
    newer_kb = dataclasses.replace(kb, entries={**kb.entries, EID: newer_file})
    merged, [note] = merge(newer_kb, [chat])
    assert merged.entries[EID].answer["vi"] == "Tệp mới."
    assert (note.entry_id, note.kind, note.version) == (EID, "superseded", 3)


def test_exported_and_committed_chat_version_is_in_step(kb):
    data = entry_to_dict(kb.entries[EID])
    data["answer"]["vi"] = "Bản sửa từ chat."
    chat = version(data, fingerprint(kb.entries[EID]))
    committed = dataclasses.replace(kb.entries[EID], answer={**kb.entries[EID].answer, "vi": "Bản sửa từ chat."})
    merged, notes = merge(dataclasses.replace(kb, entries={**kb.entries, EID: committed}), [chat])
    assert merged.entries[EID].answer["vi"] == "Bản sửa từ chat." and not notes


def test_hidden_new_orphan_and_invalid_versions(kb):
    hidden = {**entry_to_dict(kb.entries[EID]), "hidden": True}
    new = {**entry_to_dict(kb.entries[EID]), "id": "chat-new", "questions": {"vi": ["câu mới"], "en": []}}
    orphan = {**entry_to_dict(kb.entries[EID]), "id": "gone-from-files"}
    invalid = {**new, "id": "chat-bad", "topic": "no-such-topic"}
    merged, notes = merge(kb, [version(hidden, fingerprint(kb.entries[EID])), version(new, ""),
                               version(orphan, "abc"), version(invalid, "")])
    assert EID not in merged.entries and "chat-new" in merged.entries and "gone-from-files" in merged.entries
    assert "chat-bad" not in merged.entries
    assert {(n.entry_id, n.kind) for n in notes} == {("gone-from-files", "orphan"), ("chat-bad", "invalid")}


def test_new_entry_ids_are_readable_and_unique():
    assert new_entry_id("Quy trình cấp thẻ ABTC?", set()) == "chat-quy-trinh-cap-the-abtc"
    assert new_entry_id("Quy trình cấp thẻ ABTC?", {"chat-quy-trinh-cap-the-abtc"}) == "chat-quy-trinh-cap-the-abtc-2"
