"""The CLI contract (other tools rely on it): run as a real subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

KEYS = {"status", "entry_id", "score", "lang", "text", "suggestions"}


def run(*args: str, stdin: str = "", env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=120)


def test_ask_prints_a_readable_answer():
    out = run("ask", "ai chủ trì kế hoạch 119?")
    assert out.returncode == 0, out.stderr
    assert "Sở Ngoại vụ" in out.stdout
    assert not out.stdout.lstrip().startswith("{")


def test_ask_json_contract():
    out = run("ask", "--json", "Kế hoạch 119 ban hành ngày nào?")
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert set(reply) == KEYS
    assert reply["status"] == "answer"
    assert reply["entry_id"] == "plan-date-issuer"
    assert 0 <= reply["score"] <= 100
    assert reply["lang"] == "vi"
    assert "15/5/2023" in reply["text"]
    for s in reply["suggestions"]:
        assert set(s) == {"entry_id", "question"}


def test_ask_json_fallback_and_english():
    fallback = json.loads(run("ask", "--json", "How do I cook pho?").stdout)
    assert fallback["status"] == "fallback" and fallback["entry_id"] is None and fallback["lang"] == "en"
    clarify_or_not = json.loads(run("ask", "--json", "Who leads Plan 119?").stdout)
    assert clarify_or_not["lang"] == "en"


def test_ask_jsonl_one_line_per_question_in_order():
    questions = ["Xin chào", "", "ai chủ trì kế hoạch 119", "giá vàng hôm nay", "x" * 5000, "😀"]
    out = run("ask", "--jsonl", stdin="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(questions)
    replies = [json.loads(line) for line in lines]
    assert all(set(r) == KEYS for r in replies)
    assert [r["status"] for r in replies[:4]] == ["smalltalk", "fallback", "answer", "fallback"]
    assert replies[2]["entry_id"] == "resp-so-ngoai-vu"


def test_kb_validate_ok_and_broken(kb_copy):
    ok = run("kb", "validate")
    assert ok.returncode == 0, ok.stdout
    (kb_copy / "entries" / "bad.yaml").write_text("entries:\n- id: Bad Id\n", encoding="utf-8")
    bad = run("kb", "validate", str(kb_copy))
    assert bad.returncode == 1
    assert all(line.count(":") >= 2 for line in bad.stdout.splitlines())
    assert "bad.yaml:2:" in bad.stdout
    assert f"problem(s) found in {kb_copy.resolve()}." in bad.stderr


def test_kb_validate_names_the_broken_line_once_and_sums_up_what_it_breaks(kb_copy):
    plan = kb_copy / "entries" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  topic: plan\n", "  topic plan\n", 1),
                    encoding="utf-8")
    out = run("kb", "validate", str(kb_copy))
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        "entries/plan.yaml:3: YAML syntax error: could not find expected ':'",
        "12 entries refer to entries in entries/plan.yaml, which could not be read"]


def test_bot_refuses_to_start_on_a_broken_knowledge_base(kb_copy):
    (kb_copy / "entries" / "bad.yaml").write_text("entries: [\n", encoding="utf-8")
    out = run("ask", "xin chào", env={"KNOWLEDGE_DIR": str(kb_copy)})
    assert out.returncode == 1
    assert "entries/bad.yaml:" in out.stderr and str(kb_copy.resolve()) in out.stderr
    assert "Traceback" not in out.stderr


def test_knowledge_dir_from_dotenv(tmp_path, kb_copy):
    (tmp_path / ".env").write_text(f"KNOWLEDGE_DIR={kb_copy}\n", encoding="utf-8")
    (kb_copy / "entries" / "bad.yaml").write_text("entries: [\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KNOWLEDGE_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-m", "bot", "kb", "validate"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 1 and "bad.yaml" in out.stdout


def test_kb_export_json():
    out = run("kb", "export", "--format", "json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    assert len(entries) >= 40
    for e in entries:
        assert {"id", "topic", "questions", "answer", "answer_en"} <= set(e)
        assert len(e["questions"]) >= 7 and e["answer"] and e["answer_en"]


def test_bad_setting_is_a_clear_error():
    out = run("ask", "xin chào", env={"MATCH_ANSWER_THRESHOLD": "high"})
    assert out.returncode == 2
    assert out.stderr.splitlines() == ["configuration error: MATCH_ANSWER_THRESHOLD must be a number, got 'high'"]


def make_database(path: Path) -> None:
    """A database as the bot leaves it, with a question in it."""
    out = subprocess.run([sys.executable, "-m", "bot", "run", "--channel", "console"], input="giá vàng hôm nay\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "BOT_DB_PATH": str(path), "BACKUP_DIR": "off"})
    assert out.returncode == 0, out.stderr


def test_backup_writes_a_consistent_copy_and_prints_its_path(tmp_path):
    live = tmp_path / "bot.sqlite3"
    make_database(live)
    env = {"BOT_DB_PATH": str(live), "BACKUP_DIR": str(tmp_path / "backups")}
    out = run("backup", env=env)
    assert out.returncode == 0, out.stderr
    [line] = out.stdout.splitlines()
    written = Path(line)
    assert written.parent == tmp_path / "backups" and written.name.startswith("bot-")
    with sqlite3.connect(written) as copy:
        assert copy.execute("SELECT text FROM questions").fetchall() == [("giá vàng hôm nay",)]
    explicit = run("backup", str(tmp_path / "mine.sqlite3"), env=env)
    assert explicit.returncode == 0 and explicit.stdout.strip() == str(tmp_path / "mine.sqlite3")


def test_backup_to_an_unwritable_path_is_one_line_and_exit_2(tmp_path):
    live = tmp_path / "bot.sqlite3"
    make_database(live)
    before = live.read_bytes()
    (tmp_path / "a-file").write_text("not a folder")
    target = tmp_path / "a-file" / "copy.sqlite3"
    out = run("backup", str(target), env={"BOT_DB_PATH": str(live)})
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith("backup failed:") and str(target) in line
    assert live.read_bytes() == before
    with sqlite3.connect(live) as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 1


def test_backup_of_a_corrupt_database_is_one_line_and_exit_2(tmp_path):
    garbage = tmp_path / "bot.sqlite3"
    garbage.write_bytes(os.urandom(4096))
    out = run("backup", str(tmp_path / "copy.sqlite3"), env={"BOT_DB_PATH": str(garbage)})
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert str(garbage) in line and "not a database" in line and "Traceback" not in out.stderr
