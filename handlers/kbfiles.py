"""The knowledge base as a document administrators can open in Excel or an editor, and back.

Export: CSV (UTF-8 with BOM so Excel reads Vietnamese; one row per entry; list fields one item per
line inside the cell) and YAML (the curated ``entries:`` format). Import: the same two formats,
validated entry by entry, then compared with what the bot answers now, so the administrator sees
what would be added, changed, hidden or restored before confirming. Entries missing from an
imported file are hidden (reversibly), because an import stands for the whole knowledge base.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import yaml

from handlers.texts import t
from knowledge.loader import phrasing_key
from knowledge.model import LANGS, Entry, KnowledgeBase
from knowledge.overlay import (
    check_answer,
    content,
    entry_from_dict,
    entry_to_dict,
    problem,
    structural_problems,
)

MAX_UPLOAD = 2_000_000  # bytes: the whole knowledge base is well under this
CSV_FIELDS = ("id", "topic", "questions_vi", "questions_en", "answer_vi", "answer_en", "sources", "as_of",
              "keywords", "related", "contact")
LIST_FIELDS = {"questions_vi", "questions_en", "sources", "keywords", "related"}


def to_csv(entries: list[Entry]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for e in entries:
        writer.writerow({
            "id": e.id, "topic": e.topic,
            "questions_vi": "\n".join(e.questions.get("vi", ())),
            "questions_en": "\n".join(e.questions.get("en", ())),
            "answer_vi": e.answer.get("vi", ""), "answer_en": e.answer.get("en", ""),
            "sources": "\n".join(e.sources), "as_of": e.as_of.isoformat(),
            "keywords": "\n".join(e.keywords), "related": "\n".join(e.related), "contact": e.contact or "",
        })
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_yaml(entries: list[Entry]) -> bytes:
    from knowledge.dump import dump_entries

    return dump_entries(entries).encode("utf-8")


def _lines(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _from_csv(text: str, lang: str) -> tuple[list[tuple[str, dict]], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in ("id", "topic", "questions_vi", "answer_vi") if f not in (reader.fieldnames or [])]
    if missing:
        return [], [t("imp_columns", lang, columns=", ".join(missing))]
    rows = []
    for n, row in enumerate(reader, 2):  # row 1 is the header
        data = {
            "id": (row.get("id") or "").strip(), "topic": (row.get("topic") or "").strip(),
            "questions": {"vi": _lines(row.get("questions_vi")), "en": _lines(row.get("questions_en"))},
            "answer": {lang: (row.get(f"answer_{lang}") or "").strip() for lang in LANGS},
            "sources": _lines(row.get("sources")), "as_of": (row.get("as_of") or "").strip() or None,
            "keywords": _lines(row.get("keywords")), "related": _lines(row.get("related")),
            "contact": (row.get("contact") or "").strip() or None,
        }
        rows.append((t("imp_row", lang, n=str(n)), data))
    return rows, []


def _from_yaml(text: str, lang: str) -> tuple[list[tuple[str, dict]], list[str]]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = str(mark.line + 1) if mark is not None else "?"
        return [], [t("imp_yaml", lang, line=line, problem=str(getattr(exc, "problem", None) or exc))]
    items = raw.get("entries") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        return [], [t("imp_no_list", lang)]
    rows = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            return [], [t("imp_not_mapping", lang, where=t("imp_entry", lang, n=str(n)))]
        questions = item.get("questions") if isinstance(item.get("questions"), dict) else {}
        answer = item.get("answer") if isinstance(item.get("answer"), dict) else {}
        as_of = item.get("as_of")
        rows.append((t("imp_entry", lang, n=str(n)), {
            "id": str(item.get("id") or "").strip(), "topic": str(item.get("topic") or "").strip(),
            "questions": {lang: _lines(questions.get(lang)) for lang in LANGS},
            "answer": {lang: str(answer.get(lang) or "").strip() for lang in LANGS},
            "sources": _lines(item.get("sources")), "as_of": str(as_of) if as_of else None,
            "keywords": _lines(item.get("keywords")), "related": _lines(item.get("related")),
            "contact": item.get("contact") or None,
        }))
    return rows, []


@dataclass
class ImportPlan:
    """What an import would do; ``entries`` are the normalised entries to save, by id."""

    entries: dict[str, dict] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.hidden or self.restored)


def plan_import(name: str, data: bytes, kb: KnowledgeBase, hidden: dict[str, dict], lang: str = "vi"
                ) -> ImportPlan:
    """Validates an uploaded CSV or YAML file and compares it with ``kb`` (what the bot answers now;
    ``hidden``: the hidden entries by id). Problems name the row or entry they are in."""
    plan = ImportPlan()
    if len(data) > MAX_UPLOAD:
        plan.problems.append(t("imp_too_large", lang, mb=str(MAX_UPLOAD // 1_000_000)))
        return plan
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        plan.problems.append(t("imp_not_utf8", lang))
        return plan
    lower = name.lower()
    if lower.endswith(".csv"):
        rows, plan.problems = _from_csv(text, lang)
    elif lower.endswith((".yaml", ".yml")):
        rows, plan.problems = _from_yaml(text, lang)
    else:
        plan.problems.append(t("imp_type", lang))
        return plan
    owners: dict[str, str] = {}
    for where, data_row in rows:
        eid = data_row["id"]
        label = f"{where} ({eid})" if eid else where
        if not eid:
            plan.problems.append(f"{where}: {t('imp_no_id', lang)}")
            continue
        if eid in plan.entries:
            plan.problems.append(f"{label}: {t('imp_dup_id', lang)}")
            continue
        try:
            entry = entry_from_dict(data_row)
        except ValueError:
            plan.problems.append(f"{label}: {t('imp_date', lang)}")
            continue
        problems = structural_problems(kb, entry) + check_answer(entry.answer["vi"])
        if entry.answer["en"]:
            problems += check_answer(entry.answer["en"])
        if not entry.questions["vi"]:
            problems.append(problem("adm_err_no_phrasing"))
        messages = [t(p.key, lang, **p.kwargs()) for p in problems]
        for q in entry.all_questions():
            key = phrasing_key(q)
            if owners.get(key, eid) != eid:
                messages.append(t("adm_err_taken", lang, q=q, entry=owners[key]))
            owners.setdefault(key, eid)
        plan.problems += [f"{label}: {m}" for m in messages]
        plan.entries[eid] = entry_to_dict(entry)
    if plan.problems:
        return plan
    for eid, new in plan.entries.items():
        if eid in kb.entries:
            if content(entry_to_dict(kb.entries[eid])) != content(new):
                plan.changed.append(eid)
        elif eid in hidden:
            plan.restored.append(eid)
            if content(hidden[eid]) != content(new):
                plan.changed.append(eid)
        else:
            plan.added.append(eid)
    plan.hidden = [eid for eid in kb.entries if eid not in plan.entries]
    return plan
