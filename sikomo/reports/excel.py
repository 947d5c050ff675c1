"""The report's Excel template (generated from the schema) and reading it back, all or nothing."""

from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from scoring.schema import fields, lalu_twins
from sikomo import prior_year, upload_limits
from sikomo.models import ReportStatus
from sikomo.numbers import AmountError, parse_amount
from sikomo.reports import operations as ops
from sikomo.reports.sections import group_fields, has_lalu, questionnaire, sections_for
from sikomo.spreadsheet import as_text

HEADER = ("Kunci", "Uraian", "Satuan", "Tahun ini", "Tahun lalu")
SOURCE_HEADER = "Sumber tahun lalu"  # written for the reader, not read back
ANSWER_TEXT = {"terpenuhi": True, "ya": True, "tidak terpenuhi": False, "tidak": False}
PREFILLED_FILL = PatternFill("solid", fgColor="E8F0FE")
BOLD = Font(bold=True)
OPEN = Protection(locked=False)  # the cells a pengurus fills; the rest of the sheet is protected
FORMATS = {"date": "dd/mm/yyyy", "count": "#,##0"}  # money: "#,##0" too (Rp is the Satuan column)


class TemplateErrors(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} kesalahan")
        self.errors = errors


def open_years(today: date | None = None) -> list[int]:
    """Book years a pengurus may start reporting: the last three closed years."""
    year = (today or date.today()).year
    return [year - 1, year - 2, year - 3]


def _unit(key: str) -> str:
    kind = fields()[key].kind
    return {"count": "orang", "date": "tanggal"}.get(kind, "Rp")


def _form_rows(report) -> list[tuple[str, str | None]]:
    """(current key, prior-year key or None) for every field of the report's sections."""
    rows: list[tuple[str, str | None]] = [("tanggal_rat", None)]
    for section in sections_for(report, health_scored=False):
        for schema_section, _ in section.groups:
            for f in group_fields(schema_section):
                if f.numeric:
                    rows.append((f.key, f"{f.key}_lalu" if has_lalu(f.key) else None))
    return rows


def _marked_sources(report) -> dict[str, str]:
    """{twin: source} of the report's `_lalu` values taken from an earlier report."""
    data = report.data or {}
    keys = data.get(ops.PREFILLED) if isinstance(data.get(ops.PREFILLED), list) else []
    known = data.get(ops.SOURCES) if isinstance(data.get(ops.SOURCES), dict) else {}
    older = prior_year.source_text(report.tahun_buku - 1)  # marked before sources were kept
    return {k: str(known.get(k, older)) for k in keys if isinstance(k, str)}


def _template_data(report) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's data and the sources of its prior-year values; a draft's blank `_lalu`
    twins are shown from the previous tahun buku's report."""
    data, sources = report.data or {}, _marked_sources(report)
    if report.status != ReportStatus.DRAF:
        return data, sources
    data, filled = prior_year.fill_from_previous(
        data, report.cooperative_id, report.tahun_buku, typed=data.get(ops.RAW) or {}
    )
    return data, sources | filled


def template_workbook(report) -> bytes:
    """An XLSX with labels, units, the draft's values and the previous report's figures."""
    data, sources = _template_data(report)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Laporan"
    sheet.append(["Laporan RAT", report.cooperative.nama])
    sheet.append(["NIK", report.cooperative.nik or ""])
    as_text(sheet["B1"])  # a name such as "=HYPERLINK(...)" is shown, never run
    sheet["B2"].number_format = "@"
    sheet.append(["Tahun buku", report.tahun_buku])
    sheet.append([])
    sheet.append([*HEADER, SOURCE_HEADER])
    for cell in sheet[5]:
        cell.font = BOLD
    dates = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                           formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                           errorTitle="Tanggal RAT", error="Isi tanggal, misalnya 14/03/2026.")  # fmt: skip
    sheet.add_data_validation(dates)
    for key, lalu in _form_rows(report):
        label, source = fields()[key].label, sources.get(lalu) if lalu else None
        before = data.get(lalu) if lalu else None
        sheet.append([key, label, _unit(key), _cell_value(key, data.get(key)), before, source])
        row = sheet.max_row
        for column in (4, 5) if lalu else (4,):
            cell = sheet.cell(row, column)
            cell.protection, cell.number_format = OPEN, FORMATS.get(fields()[key].kind, "#,##0")
        if key == "tanggal_rat":
            dates.add(sheet.cell(row, 4))
        if source:
            sheet.cell(row, 5).fill = PREFILLED_FILL
    for column, width in zip("ABCDEF", (32, 48, 10, 20, 20, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C6"  # the header and the key and label columns stay in view
    _protect(sheet)
    _questionnaire_sheet(wb, report, data.get("kuesioner", {}))
    _notes_sheet(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_value(key: str, value: Any) -> Any:
    """A stored ISO date as an Excel date; anything else as stored."""
    if fields()[key].kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _protect(sheet) -> None:
    """Only the input cells can be typed in (no password: it guards against slips, not people;
    the reader checks every key anyway). Columns may still be widened."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False


NOTES = (
    "Cara mengisi template laporan RAT",
    "1. Isi kolom 'Tahun ini' (dan 'Tahun lalu' bila perlu) pada lembar Laporan; hanya sel isian "
    "yang dapat diketik, kolom Kunci, Uraian dan Satuan dikunci.",
    "2. Angka boleh ditulis 1234567 atau 1.234.567; sel kosong berarti belum diketahui, bukan 0.",
    "3. SHU dan hasil usaha boleh negatif bila rugi (tulis -12.500.000).",
    "4. Sel biru di kolom 'Tahun lalu' diisi dari laporan tahun buku sebelumnya (yang disetujui, "
    "atau yang diajukan/diimpor bila belum ada yang disetujui); kolom Sumber menyebutkannya. "
    "Sel 'Tahun lalu' yang dikosongkan diisi lagi dari laporan tahun buku sebelumnya.",
    "5. Tanggal RAT diisi sebagai tanggal, misalnya 14/03/2026.",
    "6. Lembar Kuesioner: pilih Terpenuhi atau Tidak terpenuhi pada kolom Jawaban.",
    "7. Simpan sebagai .xlsx lalu unggah di halaman Ringkasan laporan. Bila ada isian yang salah, "
    "tidak ada yang disimpan dan SIKOMO menyebut sel yang perlu diperbaiki.",
)


def _notes_sheet(wb: Workbook) -> None:
    notes = wb.create_sheet("Petunjuk")
    for line in NOTES:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = 110
    for row in notes.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True)


def _questionnaire_sheet(wb: Workbook, report, answers: dict[str, bool]) -> None:
    items = questionnaire(report)
    if not items:
        return
    sheet = wb.create_sheet("Kuesioner")
    sheet.append(["Kode", "Indikator", "Pertanyaan", "Jawaban"])
    for cell in sheet[1]:
        cell.font = BOLD
    choice = DataValidation(type="list", formula1='"Terpenuhi,Tidak terpenuhi"', allow_blank=True)
    sheet.add_data_validation(choice)
    for indicator, indicator_items in items:
        for item in indicator_items:
            answer = answers.get(item.code)
            text = None if answer is None else ("Terpenuhi" if answer else "Tidak terpenuhi")
            sheet.append([item.code, indicator.name, item.text, text])
            choice.add(sheet.cell(sheet.max_row, 4))
            sheet.cell(sheet.max_row, 4).protection = OPEN
    for column, width in zip("ABCD", (40, 40, 80, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    _protect(sheet)


def read_template(report, stream) -> tuple[dict[str, Any], dict[str, bool | None]]:
    """Values and answers from a filled template; raise TemplateErrors listing every problem."""
    content = stream.read()
    try:
        upload_limits.check(content, "template.xlsx")  # a zip bomb is refused before it is read
        wb = load_workbook(BytesIO(content), data_only=True, read_only=True)
    except upload_limits.TooLarge as exc:
        raise TemplateErrors([str(exc)]) from None
    except Exception:  # openpyxl raises many kinds for a file that is not an XLSX
        raise TemplateErrors(["Berkas bukan XLSX yang dapat dibaca."]) from None
    errors: list[str] = []
    if "Laporan" not in wb.sheetnames:
        raise TemplateErrors(["Lembar 'Laporan' tidak ditemukan: gunakan template dari SIKOMO."])
    values = _read_values(wb["Laporan"], report, errors)
    codes = {item.code for _, items in questionnaire(report) for item in items}
    answers = _read_answers(wb["Kuesioner"], codes, errors) if "Kuesioner" in wb.sheetnames else {}
    if errors:
        raise TemplateErrors(errors)
    return _with_prior_year(report, values), answers


def _with_prior_year(report, values: dict[str, Any]) -> dict[str, Any]:
    """`values` plus each `_lalu` twin they leave blank, from the previous tahun buku's report,
    and the markers of the values taken from it (a value changed in the file is typed)."""
    data, twins, year = report.data or {}, lalu_twins(), report.tahun_buku - 1
    previous = prior_year.previous_report(report.cooperative_id, report.tahun_buku)
    before = previous.data if previous is not None and isinstance(previous.data, dict) else {}
    raw = data.get(ops.RAW) or {}
    typed_text = [k for k in raw if k not in values]
    filled, sources = prior_year.fill_lalu({**data, **values}, before, year, typed_text)
    _, shown = prior_year.fill_lalu(data, before, year, raw)  # what the template showed
    same = {
        k
        for k in set(_marked_sources(report)) | set(shown)
        if values.get(k) is not None and values.get(k) == before.get(twins.get(k))
    }
    typed = {k for k, v in values.items() if k in twins and v is not None} - same
    sources |= {k: prior_year.source_text(year) for k in same & set(shown)}
    marks = ops.prior_year_marks(data, sources, typed)
    return values | {k: filled[k] for k in sources if k in filled} | marks


def _read_values(sheet, report, errors: list[str]) -> dict[str, Any]:
    rows = list(sheet.iter_rows(values_only=True))
    year = rows[2][1] if len(rows) > 2 and len(rows[2]) > 1 else None
    if str(year).strip() != str(report.tahun_buku):
        errors.append(
            f"Laporan!B3: tahun buku {year!r} tidak sama dengan laporan ini ({report.tahun_buku})."
        )
    header = tuple(
        str(c).strip() if c is not None else "" for c in (rows[4] if len(rows) > 4 else ())
    )
    if header[: len(HEADER)] != HEADER:
        errors.append(
            f"Laporan baris 5: kolom harus {', '.join(HEADER)}; ditemukan {', '.join(header)}."
        )
        return {}
    allowed = {k for pair in _form_rows(report) for k in pair if k}
    values: dict[str, Any] = {}
    for number, row in enumerate(rows[5:], start=6):
        key = str(row[0]).strip() if row and row[0] is not None else ""
        if not key:
            continue
        if key not in allowed:
            errors.append(f"Laporan!A{number}: kunci '{key}' tidak dikenal.")
            continue
        cells = (("D", key, row[3] if len(row) > 3 else None),)
        if f"{key}_lalu" in allowed:
            cells += (("E", f"{key}_lalu", row[4] if len(row) > 4 else None),)
        for column, target, cell in cells:
            _read_cell(values, errors, f"Laporan!{column}{number}", target, cell)
    return values


def _read_cell(values: dict, errors: list[str], where: str, key: str, cell: Any) -> None:
    label = fields()[key].label
    if key == "tanggal_rat":
        if cell in (None, ""):
            values[key] = None
        elif isinstance(cell, datetime | date):
            values[key] = (cell.date() if isinstance(cell, datetime) else cell).isoformat()
        else:
            try:
                values[key] = date.fromisoformat(str(cell).strip()).isoformat()
            except ValueError:
                errors.append(f"{where}: {label}: tulis tanggal seperti 2026-03-14.")
        return
    try:
        values[key] = parse_amount(cell, signed=fields()[key].kind == "signed_money")
    except AmountError as exc:
        errors.append(f"{where}: {label}: {exc} (isi: {cell!r}).")


def _read_answers(sheet, codes: set[str], errors: list[str]) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {}
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        code = str(row[0]).strip() if row and row[0] else ""
        if not code:
            continue
        if code not in codes:
            errors.append(f"Kuesioner!A{number}: kode butir '{code}' tidak dikenal.")
            continue
        text = str(row[3]).strip().lower() if len(row) > 3 and row[3] is not None else ""
        if text and text not in ANSWER_TEXT:
            errors.append(
                f"Kuesioner!D{number}: jawaban '{row[3]}' harus Terpenuhi atau Tidak terpenuhi."
            )
            continue
        answers[code] = ANSWER_TEXT.get(text)
    return answers
