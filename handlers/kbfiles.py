"""The knowledge base as a document administrators can open in Excel or an editor, and back.

Export: Excel (.xlsx) and CSV, one row per entry (``handlers.kbtable``, ``handlers.kbsheets``), and
YAML (the curated ``entries:`` format). Import: the same three, validated entry by entry, then
compared with what the bot answers now, so the administrator sees what would be added, changed or
restored before confirming. Entries missing from an imported file are only listed: officials delete
the rows they did not touch, so hiding them is a separate, explicit choice (handlers.admin.imports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from handlers.kbsheets import OLE_SIGNATURE, read_xlsx, to_xlsx
from handlers.kbtable import Row, Sheet, Unreadable, missing_columns, read_csv, sheet_rows, to_csv
from handlers.texts import t
from knowledge.loader import phrasing_key
from knowledge.model import LANGS, Entry, KnowledgeBase
from knowledge.overlay import (
    Problem,
    check_answer,
    content,
    entry_from_dict,
    entry_to_dict,
    problem,
    structural_problems,
)
from knowledge.yamlnodes import error_line

__all__ = ["MAX_UPLOAD", "ImportPlan", "plan_import", "to_csv", "to_xlsx", "to_yaml"]

MAX_UPLOAD = 2_000_000  # bytes: the whole knowledge base is well under this
# a problem's text key -> the column it is about, so the message names the cell ("B7")
PROBLEM_COLUMNS = {"adm_err_topic": "topic", "adm_err_source": "sources", "adm_err_no_source": "sources",
                   "adm_err_contact": "contact", "adm_err_no_phrasing": "questions_vi", "imp_date": "as_of",
                   "imp_no_id": "id", "imp_dup_id": "id"}


def to_yaml(entries: list[Entry]) -> bytes:
    from knowledge.dump import dump_entries

    return dump_entries(entries).encode("utf-8")


def _lines(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _from_sheet(sheet: Sheet, lang: str) -> tuple[list[Row], list[str]]:
    missing = missing_columns(sheet)
    if missing:
        return [], [t("imp_columns", lang, columns=", ".join(missing))]
    if sheet.formulas:
        more = " …" if len(sheet.formulas) > 10 else ""
        return [], [t("imp_formulas", lang, cells=", ".join(sheet.formulas[:10]) + more)]
    return sheet_rows(sheet), []


def _from_yaml(text: str, lang: str) -> tuple[list[Row], list[str]]:
    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        return [], [t("imp_yaml", lang, line=str(error_line(text, exc)))]
    except yaml.YAMLError:
        return [], [t("imp_yaml", lang, line="1")]
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
        rows.append(Row(n, {
            "id": str(item.get("id") or "").strip(), "topic": str(item.get("topic") or "").strip(),
            "questions": {lang: _lines(questions.get(lang)) for lang in LANGS},
            "answer": {lang: str(answer.get(lang) or "").strip() for lang in LANGS},
            "sources": _lines(item.get("sources")), "as_of": str(as_of) if as_of else None,
            "keywords": _lines(item.get("keywords")), "related": _lines(item.get("related")),
            "contact": item.get("contact") or None,
        }, {}))
    return rows, []


@dataclass
class ImportPlan:
    """What an import would do; ``entries`` are the normalised entries to save, by id. ``missing``
    are entries in use that the file leaves out: nothing happens to them unless the administrator
    chooses to hide them."""

    entries: dict[str, dict] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.restored or self.missing)


def _read(name: str, data: bytes, lang: str) -> tuple[list[Row], list[str], str]:
    """The file's rows, its problems, and the text key that names a row ("dòng 7", "mục 7")."""
    lower = name.lower()
    if data.startswith(OLE_SIGNATURE) and lower.endswith((".xlsx", ".xls", ".csv")):
        raise Unreadable("imp_encrypted")
    if lower.endswith(".xlsx"):
        return *_from_sheet(read_xlsx(data), lang), "imp_row"
    if lower.endswith(".csv"):
        return *_from_sheet(read_csv(data), lang), "imp_row"
    if lower.endswith((".yaml", ".yml")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unreadable("imp_not_utf8") from exc
        return *_from_yaml(text, lang), "imp_entry"
    raise Unreadable("imp_type")


def _row_problems(kb: KnowledgeBase, entry: Entry) -> list[tuple[Problem, str]]:
    """Each problem with the column it is about ("" when it has none)."""
    found = [(p, PROBLEM_COLUMNS.get(p.key, "")) for p in structural_problems(kb, entry)]
    for lang in LANGS:
        if lang == "vi" or entry.answer[lang]:
            found += [(p, f"answer_{lang}") for p in check_answer(entry.answer[lang])]
    if not entry.questions["vi"]:
        found.append((problem("adm_err_no_phrasing"), "questions_vi"))
    return found


def plan_import(name: str, data: bytes, kb: KnowledgeBase, hidden: dict[str, dict], lang: str = "vi"
                ) -> ImportPlan:
    """Validates an uploaded Excel, CSV or YAML file and compares it with ``kb`` (what the bot
    answers now; ``hidden``: the hidden entries by id). A problem names the cell ("B7") or the
    row or entry it is in; a file refused whole gets one plain sentence."""
    plan = ImportPlan()
    if len(data) > MAX_UPLOAD:
        plan.problems.append(t("imp_too_large", lang, mb=str(MAX_UPLOAD // 1_000_000)))
        return plan
    try:
        rows, plan.problems, row_key = _read(name, data, lang)
    except Unreadable as refused:
        plan.problems.append(t(refused.key, lang, **refused.params))
        return plan
    owners: dict[str, str] = {}
    for row in rows:
        eid = row.data["id"]

        def where(column: str, row: Row = row, eid: str = eid) -> str:
            place = (t("imp_cell", lang, cell=row.cells[column]) if column in row.cells
                     else t(row_key, lang, n=str(row.number)))
            return f"{place} ({eid})" if eid else place

        if not eid:
            plan.problems.append(f"{where('id')}: {t('imp_no_id', lang)}")
            continue
        if eid in plan.entries:
            plan.problems.append(f"{where('id')}: {t('imp_dup_id', lang)}")
            continue
        try:
            entry = entry_from_dict(row.data)
        except ValueError:
            plan.problems.append(f"{where('as_of')}: {t('imp_date', lang)}")
            continue
        plan.problems += [f"{where(column)}: {t(p.key, lang, **p.kwargs())}"
                          for p, column in _row_problems(kb, entry)]
        for q_lang in LANGS:
            for q in entry.questions[q_lang]:
                key = phrasing_key(q)
                if owners.get(key, eid) != eid:
                    plan.problems.append(f"{where(f'questions_{q_lang}')}: "
                                         f"{t('adm_err_taken', lang, q=q, entry=owners[key])}")
                owners.setdefault(key, eid)
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
    plan.missing = [eid for eid in kb.entries if eid not in plan.entries]
    return plan
