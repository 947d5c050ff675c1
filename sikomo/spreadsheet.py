"""Tables written for Excel as an Indonesian office opens them.

CSV: UTF-8 with a byte-order mark, ";" between cells and a decimal comma (what Excel expects under
Indonesian regional settings); `comma=True` gives the "," and "." variant. XLSX: a bold, frozen
header, fitted widths, and a number format per column (Rp with thousands separators, percentages
with two decimals, dates as dates, NIK as text). In both, a text that starts like a formula
(=, +, -, @, tab, CR) is written so that Excel shows it instead of running it.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response, request
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sikomo import audit

# Excel number formats; Excel draws the separators of the reader's locale (1.234.567 in Indonesia).
FORMATS = {
    "text": "@",
    "count": "#,##0",
    "rupiah": '"Rp" #,##0',
    "percent": '0.00" %"',  # the figure is already × 100
    "decimal": "#,##0.00",
    "number": "#,##0.00",  # a whole figure gets "#,##0" (a column of counts and ratios alike)
    "date": "dd/mm/yyyy",
    "year": "0",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # a key of FORMATS


def columns(*specs: tuple[str, str] | str) -> list[Column]:
    """columns("Kecamatan", ("Aktif", "count")) -> [Column("Kecamatan"), Column("Aktif", "count")]"""
    return [Column(s) if isinstance(s, str) else Column(*s) for s in specs]


def safe_text(value: str) -> str:
    """A text Excel would run as a formula gets a leading apostrophe: it shows, it does not run."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value, kind: str, comma: bool) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return safe_text(value) if kind == "text" or not _numeric_text(value) else value
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if kind in ("percent", "decimal") or kind == "number" and not _whole(value):
        text = f"{Decimal(str(value)):.2f}"
    elif isinstance(value, int) or float(value).is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if comma else text.replace(".", ",")


def _whole(value) -> bool:
    return isinstance(value, int) or float(value).is_integer()


def _numeric_text(value: str) -> bool:
    return value.lstrip("-").replace(".", "", 1).isdigit()


def to_csv(cols: list[Column], rows, comma: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if comma else ";", lineterminator="\r\n")
    writer.writerow([safe_text(c.header) for c in cols])
    for row in rows:
        writer.writerow([_csv_cell(v, c.kind, comma) for v, c in zip(row, cols, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def add_sheet(
    workbook: Workbook, title: str, cols: list[Column], rows, caption: str = ""
) -> Worksheet:
    """A sheet with an optional caption line above a bold, frozen header and formatted cells."""
    sheet = workbook.create_sheet(title[:31])
    if caption:
        sheet.append([caption])
        sheet.cell(1, 1).font = Font(bold=True, size=12)
    sheet.append([c.header for c in cols])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, cols, row)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    fit_widths(sheet, header_row)
    return sheet


def as_text(cell) -> None:
    """Keep a cell's text a text: openpyxl takes one that starts with "=" for a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def append_row(sheet: Worksheet, cols: list[Column], row) -> None:
    """One row; a formula ("=SUM(...)") in a numeric column stays a formula, text never is one."""
    sheet.append([None if v == "" else v for v in row])
    for cell, col in zip(sheet[sheet.max_row], cols, strict=False):
        if col.kind == "text" or not str(cell.value).startswith("="):
            as_text(cell)
        whole = (
            col.kind == "number"
            and isinstance(cell.value, int | float | Decimal)
            and _whole(cell.value)
        )
        cell.number_format = "#,##0" if whole else FORMATS[col.kind]


def fit_widths(sheet: Worksheet, header_row: int = 1) -> None:
    for index, column in enumerate(sheet.iter_cols(min_row=header_row), start=1):
        longest = max((len(_shown(c.value)) for c in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_WIDTH, max(8, longest + 2)
        )


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("="):
        return "0000000,00"  # a formula's result: a short figure
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"Rp {value:,.2f}"
    return str(value)


def to_xlsx(cols: list[Column], rows, title: str = "Tabel") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, title, cols, rows)
    return save(workbook)


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(body: bytes, filename: str) -> Response:
    """A download of an export: recorded in the audit trail, never kept in a shared cache."""
    audit.record_access(current_user, "export", {"berkas": filename, "alamat": request.full_path})
    return Response(
        body,
        mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
