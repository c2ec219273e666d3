"""`python -m bot kb export`: the merged knowledge base, as JSON (unchanged contract) and as YAML files."""

from __future__ import annotations

import json

import yaml

from bot.cli import export_entries
from bot.storage import Storage
from handlers.ports import KbChange
from knowledge.loader import DEFAULT_DIR, validate_dir
from knowledge.overlay import Version, entry_to_dict, fingerprint
from tests.bot.test_cli import run

EID = "resp-so-ngoai-vu"


async def chat_edit(kb, db_path) -> None:
    data = entry_to_dict(kb.entries[EID])
    data["answer"]["vi"] = "Bản sửa từ chat.\n\nĐoạn thứ hai."
    async with Storage(db_path) as storage:
        await storage.save_kb_changes([KbChange(EID, "edit", data, 0, fingerprint(kb.entries[EID]))],
                                      "telegram:1")


async def test_json_export_without_a_database_is_the_curated_base(kb, tmp_path):
    out = run("kb", "export", "--format", "json", env={"BOT_DB_PATH": str(tmp_path / "none.sqlite3")})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == export_entries(kb)
    assert not (tmp_path / "none.sqlite3").exists()  # exporting never creates a database


async def test_exports_include_chat_changes_and_yaml_round_trips(kb, tmp_path):
    db = tmp_path / "bot.sqlite3"
    await chat_edit(kb, db)
    out = run("kb", "export", "--format", "json", env={"BOT_DB_PATH": str(db)})
    assert out.returncode == 0, out.stderr
    [edited] = [e for e in json.loads(out.stdout) if e["id"] == EID]
    assert edited["answer"] == "Bản sửa từ chat.\n\nĐoạn thứ hai."

    target = tmp_path / "export"
    out = run("kb", "export", "--format", "yaml", "--out", str(target), env={"BOT_DB_PATH": str(db)})
    assert out.returncode == 0, out.stderr
    assert "Wrote" in out.stdout
    exported, problems = validate_dir(target)
    assert problems == []
    assert exported is not None and set(exported.entries) == set(kb.entries)
    assert exported.entries[EID].answer["vi"] == "Bản sửa từ chat.\n\nĐoạn thứ hai."
    for eid, entry in kb.entries.items():
        if eid != EID:
            assert entry_to_dict(exported.entries[eid]) == entry_to_dict(entry)
    # only the edited entry's file differs from the repository's
    for path in sorted((DEFAULT_DIR / "entries").glob("*.yaml")):
        same = yaml.safe_load((target / "entries" / path.name).read_text(encoding="utf-8")) == \
            yaml.safe_load(path.read_text(encoding="utf-8"))
        assert same == (path.name != "responsibilities.yaml"), path.name
    # committed back, the export is in step with the chat version: no note, same answer
    from knowledge.overlay import merge

    [row] = await _latest(db)
    merged, notes = merge(exported, [Version(row["entry_id"], row["version"], row["action"], row["data"],
                                             row["base"], row["admin"], row["created_at"])])
    assert notes == [] and merged.entries[EID].answer["vi"].startswith("Bản sửa từ chat.")


async def _latest(db):
    async with Storage(db) as storage:
        return await storage.kb_latest()


def test_yaml_export_of_the_curated_files_reproduces_them(kb, tmp_path):
    from bot.kbexport import write_yaml

    write_yaml(kb, DEFAULT_DIR, tmp_path / "out")
    for path in sorted((DEFAULT_DIR / "entries").glob("*.yaml")):
        # the same data (today also the same bytes: the export writes the curated files' style)
        exported = yaml.safe_load((tmp_path / "out" / "entries" / path.name).read_text(encoding="utf-8"))
        assert exported == yaml.safe_load(path.read_text(encoding="utf-8")), path.name
    odd = {"id": "x", "topic": "plan", "questions": {"vi": ["a \"b\" c: d"], "en": []},
           "answer": {"vi": " leading space\tand tab", "en": "line one\n\nline two"},
           "sources": ["article-119"], "as_of": "2026-01-01", "keywords": [], "related": [], "contact": None}
    from knowledge.dump import dump_dicts as _dump

    loaded = yaml.safe_load(_dump([odd]))["entries"][0]
    assert loaded["questions"]["vi"] == ["a \"b\" c: d"]
    assert loaded["answer"] == {"vi": " leading space\tand tab", "en": "line one\n\nline two"}


async def test_a_contact_edited_in_the_chat_is_exported_into_contacts_yaml(kb, tmp_path):
    from knowledge.contacts import contact_to_dict, merge_contacts, version_id
    from knowledge.contacts import fingerprint as contact_fp

    db, cid = tmp_path / "bot.sqlite3", "so-ngoai-vu"
    data = contact_to_dict(kb.contacts[cid])
    data["details"]["phone"] = "0237 3 000 000"
    async with Storage(db) as storage:
        await storage.save_kb_changes([KbChange(version_id(cid), "contact_edit", data, 0,
                                                contact_fp(kb.contacts[cid]))], "telegram:1")
    target = tmp_path / "export"
    out = run("kb", "export", "--format", "yaml", "--out", str(target), env={"BOT_DB_PATH": str(db)})
    assert out.returncode == 0, out.stderr
    exported, problems = validate_dir(target)
    assert problems == [] and exported is not None
    assert exported.contacts[cid].details["phone"] == "0237 3 000 000"
    assert all(exported.contacts[c] == kb.contacts[c] for c in kb.contacts if c != cid)
    before = (DEFAULT_DIR / "contacts.yaml").read_text(encoding="utf-8").splitlines()
    after = (target / "contacts.yaml").read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ('  phone: ""', '  phone: "0237 3 000 000"')]
    # committed back, the file is in step with the chat version: no note
    [row] = await _latest(db)
    merged, notes = merge_contacts(exported, exported, [Version(row["entry_id"], row["version"], row["action"],
                                                                row["data"], row["base"], row["admin"], 0.0)])
    assert notes == [] and merged.contacts[cid].details["phone"] == "0237 3 000 000"
