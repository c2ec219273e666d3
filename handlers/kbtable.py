"""The knowledge base as a table (one row per entry), the shape shared by the CSV and Excel files.

Officials edit these files in Excel, so the reading side takes what Excel writes: a comma,
semicolon or tab between columns (Excel uses the regional list separator, ``;`` in Vietnamese
settings), UTF-8 with or without BOM, UTF-16 ("Unicode Text") or Windows-1258. Problems name the
cell as Excel shows it (``D7``), so an official can go straight to it.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` is written with a leading ``'`` so Excel shows
it as text instead of running it as a formula; reading strips that one ``'`` again, so exporting and
importing the same file changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from knowledge.model import LANGS, Entry

COLUMNS = ("id", "topic", "questions_vi", "questions_en", "answer_vi", "answer_en", "sources", "as_of",
           "keywords", "related", "contact")
LIST_COLUMNS = frozenset({"questions_vi", "questions_en", "sources", "keywords", "related"})
MAX_ROWS = 2_000  # entries; the knowledge base holds well under a hundred
MAX_SCAN = 20_000  # rows read at all, blank ones included, before a file is refused as too long
FORMULA_START = "=+-@"
# what Excel writes in a CSV for a formula that failed (a typed "-x" or "=x" it tried to run)
EXCEL_ERRORS = frozenset({"#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!"})
SEPARATORS = (",", ";", "\t")


class Unreadable(Exception):
    """A file refused as a whole; ``key`` is a text key in handlers.texts, ``params`` its values."""

    def __init__(self, key: str, **params: str):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Sheet:
    """A table as read from a file: the header's cells, then each row with its number in the file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    formulas: list[str]  # cells that hold a formula ("D7"): refused, never imported as text


@dataclass(frozen=True)
class Row:
    """One entry's row: its number in the file, the entry, and each column's cell ("D7")."""

    number: int
    data: dict
    cells: dict[str, str]


def column_letter(index: int) -> str:
    """Excel's name of the 1-based column ``index``: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _needs_quote(value: str) -> bool:
    return bool(value) and (value[0] in FORMULA_START or (value[0] == "'" and _needs_quote(value[1:])))


def neutral(value: str) -> str:
    """The cell as written to a file: a leading ``'`` when Excel would read it as a formula (and
    when it already begins with such a ``'``, so reading back strips exactly one)."""
    return "'" + value if _needs_quote(value) else value


def unquote(value: str) -> str:
    """The inverse of ``neutral``."""
    return value[1:] if value[:1] == "'" and _needs_quote(value[1:]) else value


def entry_cells(entry: Entry) -> list[str]:
    """An entry as one row of cells, in ``COLUMNS`` order (list fields one item per line)."""
    values = {
        "id": entry.id, "topic": entry.topic,
        "questions_vi": "\n".join(entry.questions.get("vi", ())),
        "questions_en": "\n".join(entry.questions.get("en", ())),
        "answer_vi": entry.answer.get("vi", ""), "answer_en": entry.answer.get("en", ""),
        "sources": "\n".join(entry.sources), "as_of": entry.as_of.isoformat(),
        "keywords": "\n".join(entry.keywords), "related": "\n".join(entry.related),
        "contact": entry.contact or "",
    }
    return [neutral(values[c]) for c in COLUMNS]


def to_csv(entries: Iterable[Entry]) -> bytes:
    """UTF-8 with BOM, so Excel reads Vietnamese, and CRLF, as Excel writes it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(entry_cells(e) for e in entries)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def decode(data: bytes) -> str:
    """The text of a CSV file in any encoding Excel saves one in."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1258 writes tones as combining marks; the knowledge base is composed (NFC)
            return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError as exc:
        raise Unreadable("imp_encoding") from exc


def separator(text: str) -> str:
    """The column separator, counted on the header line (which has no quoted commas)."""
    header = text.split("\n", 1)[0]
    return max(SEPARATORS, key=header.count) if any(s in header for s in SEPARATORS) else ","


def _csv_formula(value: str) -> bool:
    """A formula as Excel leaves it in a CSV: its text (written by hand), or its error value."""
    return value.startswith("=") or value.strip() in EXCEL_ERRORS


def read_csv(data: bytes) -> Sheet:
    text = decode(data)
    if "\x00" in text:
        raise Unreadable("imp_bad_csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    try:
        return collect(enumerate(reader, 1), _csv_formula)
    except csv.Error as exc:
        raise Unreadable("imp_bad_csv") from exc


def collect(rows: Iterator[tuple[int, list[str]]], is_formula: Callable[[str], bool]) -> Sheet:
    """Header and non-blank rows, refusing a file too long to be a knowledge base."""
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    formulas: list[str] = []
    for number, cells in rows:
        if number > MAX_SCAN or len(body) >= MAX_ROWS:
            raise Unreadable("imp_too_many_rows", max=str(MAX_ROWS))
        if not any(c.strip() for c in cells):
            continue
        formulas += [f"{column_letter(i)}{number}" for i, c in enumerate(cells, 1) if is_formula(c)]
        if header is None:
            header = [c.strip().lstrip("\ufeff") for c in cells]
        else:
            body.append((number, cells))
    return Sheet(header or [], body, formulas)


def missing_columns(sheet: Sheet) -> list[str]:
    return [c for c in COLUMNS if c not in sheet.header]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in unquote(value.strip()).splitlines() if line.strip()]


def sheet_rows(sheet: Sheet) -> list[Row]:
    """Each row as the entry it stands for (``missing_columns`` must be empty)."""
    index = {name: i for i, name in reversed(list(enumerate(sheet.header)))}  # the first column wins
    rows = []
    for number, cells in sheet.rows:
        def cell(name: str, cells: list[str] = cells) -> str:
            i = index[name]
            return unquote(cells[i].strip()) if i < len(cells) else ""

        def lines(name: str, cells: list[str] = cells) -> list[str]:
            i = index[name]
            return _lines(cells[i]) if i < len(cells) else []

        data = {
            "id": cell("id"), "topic": cell("topic"),
            "questions": {lang: lines(f"questions_{lang}") for lang in LANGS},
            "answer": {lang: cell(f"answer_{lang}") for lang in LANGS},
            "sources": lines("sources"), "as_of": cell("as_of") or None,
            "keywords": lines("keywords"), "related": lines("related"), "contact": cell("contact") or None,
        }
        refs = {name: f"{column_letter(i + 1)}{number}" for name, i in index.items()}
        rows.append(Row(number, data, refs))
    return rows
