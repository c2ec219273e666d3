"""The knowledge base as an Excel workbook (.xlsx), the file officials actually open.

Same columns and cells as the CSV (``handlers.kbtable``), with a bold, frozen header, wrapped
multi-line cells and column widths that fit (capped, so a long answer does not make a column
screen-wide). Reading refuses what is not a plain workbook of text: an encrypted one (Excel saves a
password-protected workbook as an OLE container, not a zip), a broken one, and formulas, which
would import as their text instead of what the official sees.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator

from handlers.kbtable import COLUMNS, MAX_SCAN, Sheet, Unreadable, collect, column_letter, entry_cells
from knowledge.model import Entry

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # encrypted workbooks and the old .xls format
MAX_WIDTH = 60  # characters
MAX_COLUMNS = 40  # read at most this many columns: a knowledge-base sheet has eleven


def to_xlsx(entries: Iterable[Entry]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "kb"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(c) for c in COLUMNS]
    wrap = Alignment(wrap_text=True, vertical="top")
    for entry in entries:
        values = [ILLEGAL_CHARACTERS_RE.sub("", v) for v in entry_cells(entry)]
        sheet.append(values)
        for i, (value, cell) in enumerate(zip(values, sheet[sheet.max_row], strict=True)):
            cell.data_type = "s"  # text, always: never a formula, number or date
            if "\n" in value or len(value) > MAX_WIDTH:
                cell.alignment = wrap
            widths[i] = max(widths[i], *(len(line) for line in value.splitlines() or [""]))
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[column_letter(i)].width = min(width, MAX_WIDTH) + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    """A cell's value as the text it stands for (Excel turns a typed date into a date)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Sheet:
    if data.startswith(OLE_SIGNATURE):
        raise Unreadable("imp_encrypted")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise Unreadable("imp_bad_xlsx")
    from openpyxl import load_workbook

    try:
        # not data_only: a formula must be seen to be refused, not read as its last cached value
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, missing parts) for a broken file
        raise Unreadable("imp_bad_xlsx") from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise Unreadable("imp_bad_xlsx")
        formulas: set[tuple[int, int]] = set()

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_SCAN + 1), 1):
                values = []
                for col, cell in enumerate(cells, 1):
                    if getattr(cell, "data_type", None) in ("f", "e"):  # a formula, or its error
                        formulas.add((number, col))
                    values.append(_text(cell.value))
                yield number, values

        try:
            table = collect(rows(), lambda _value: False)
        except Unreadable:
            raise
        except Exception as exc:
            raise Unreadable("imp_bad_xlsx") from exc
    finally:
        book.close()
    refs = [f"{column_letter(col)}{number}" for number, col in sorted(formulas)]
    return Sheet(table.header, table.rows, refs)
