"""A dashboard table as a CSV or XLSX file, with the figures the page shows (ISO 10002 8.2, 8.4).

The headers are the column labels in the active language. CSV is UTF-8 with a byte-order mark,
so Excel opens Korean text correctly; XLSX keeps numbers as numbers and dates as dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sori.analytics.tables import Column, Table

BOM = "\ufeff"
# Excel's number formats per column kind (percentages are stored as 0–100, as shown).
NUMBER_FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "percent": '0.0"%"',
    "days": "0.00",
    "money": "#,##0",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


def cell_text(value: Any, column: Column) -> str:
    """A cell as CSV text: numbers as Python writes them, dates in ISO form, months as YYYY-MM."""
    if value is None:
        return ""
    if isinstance(value, dt.date) and column.kind == "month":
        return value.strftime("%Y-%m")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def table_csv(table: Table) -> bytes:
    """The table as CSV: a header row of column labels, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.cells():
        writer.writerow(
            [cell_text(value, column) for value, column in zip(row, table.columns, strict=True)]
        )
    return (BOM + out.getvalue()).encode("utf-8")


def _width(text: str) -> int:
    # Korean (wide) characters take two columns in Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_FORBIDDEN.sub(" ", title).strip() or "Sori"
    return cleaned[:31]


def _cell_value(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.kind in {"int", "float", "percent", "days", "money"} and not isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return str(value)


def table_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: a title row, a bold header row, then the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _sheet_title(str(table.title))
    sheet.append([str(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([str(column.label) for column in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    widths = [_width(str(column.label)) for column in table.columns]
    for row in table.cells():
        sheet.append(
            [_cell_value(value, column) for value, column in zip(row, table.columns, strict=True)]
        )
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            widths[index] = max(widths[index], _width(cell_text(value, column)))
    for index, column in enumerate(table.columns, start=1):
        fmt = NUMBER_FORMATS.get(column.kind)
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                if cell.value is not None and not isinstance(cell.value, str):
                    cell.number_format = fmt
        sheet.column_dimensions[get_column_letter(index)].width = min(
            widths[index - 1] + 2, MAX_WIDTH
        )
    sheet.freeze_panes = "A3"
    if table.note:
        sheet.append([])
        sheet.append([str(table.note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
