"""Exports: each dashboard table as CSV and XLSX, and the LKjIP workbook with its formulas written out."""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sikomo.indicators.serialize import plain

COUNT_LABELS = {
    "binaan": "Binaan",
    "aktif": "Aktif",
    "tidak_aktif": "Tidak aktif",
    "koperasi_baru": "Baru",
    "ksp_usp": "KSP/USP",
    "sehat": "Sehat",
    "dinilai": "Dinilai",
    "berkualitas": "Berkualitas",
    "sehat_berkualitas": "Sehat dan berkualitas",
    "volume_usaha": "Volume usaha (Rp)",
}
COMPLIANCE_LABELS = {
    "tanpa_laporan": "Tanpa laporan",
    "ksp_belum_dinilai": "KSP/USP belum dinilai",
    "menunggu_review": "Menunggu review > 30 hari",
}
INDICATOR_HEADER = ("Kode", "Indikator", "Pembilang", "Penyebut", "Nilai", "Satuan", "Target",
                    "Capaian (%)", "Kategori capaian")  # fmt: skip


def indicator_rows(report: dict) -> tuple[list[str], list[list]]:
    keys = ("code", "name", "numerator", "denominator", "value", "unit", "target", "capaian",
            "kategori_capaian")  # fmt: skip
    return list(INDICATOR_HEADER), [[plain(i[k]) for k in keys] for i in report["indicators"]]


def count_rows(table: list[dict], by: str) -> tuple[list[str], list[list]]:
    """A `breakdown` table: one row per group, its name first."""
    header = [by.capitalize(), *COUNT_LABELS.values()]
    return header, [[row["name"], *(int(value) for value in counted(row))] for row in table]


def counted(row: dict) -> list[int]:
    """The COUNT_LABELS figures of a `breakdown` row (tidak aktif = binaan − aktif)."""
    return [row["binaan"] - row["aktif"] if c == "tidak_aktif" else row[c] for c in COUNT_LABELS]


def compliance_rows(table: list[dict]) -> tuple[list[str], list[list]]:
    header = ["Kecamatan", *COMPLIANCE_LABELS.values()]
    return header, [[row["name"], *(int(row[c]) for c in COMPLIANCE_LABELS)] for row in table]


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list], title: str = "Tabel") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return save(workbook)


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pct_formula(numerator_col: int, denominator_col: int, row: int) -> str:
    num, den = get_column_letter(numerator_col), get_column_letter(denominator_col)
    return f'=IF({den}{row}=0,"",ROUND({num}{row}/{den}{row}*100,2))'


def formula_table(workbook, title, caption, table, columns, ratios):
    """A per-kecamatan sheet: counts as values, percentage columns and the total row as formulas."""
    sheet = workbook.create_sheet(title)
    sheet.append([caption])
    header = ["Kecamatan", *(COUNT_LABELS[c] for c in columns), *(label for label, _, _ in ratios)]
    sheet.append(header)
    first = 3
    for offset, row in enumerate(table):
        r = first + offset
        counts = [int(row[c]) for c in columns]
        sheet.append([row["name"], *counts, *(pct_formula(n + 2, d + 2, r) for _, n, d in ratios)])
    last, total = first + len(table) - 1, first + len(table)
    sums = [f"=SUM({get_column_letter(i + 2)}{first}:{get_column_letter(i + 2)}{last})"
            for i in range(len(columns))]  # fmt: skip
    sheet.append(["Jumlah", *sums, *(pct_formula(n + 2, d + 2, total) for _, n, d in ratios)])
    return sheet


def lkjip_workbook(report: dict, kecamatan: list[dict]) -> bytes:
    """Tables like the LKjIP's 3.8, 3.9, 3.14 and 3.16; 'Nilai' holds every figure as computed here."""
    table = [{**row, "tidak_aktif": row["binaan"] - row["aktif"]} for row in kecamatan]
    workbook = Workbook()
    workbook.remove(workbook.active)
    year = report["year"]
    formula_table(workbook, "Tabel 3.8", f"Koperasi aktif per kecamatan, tahun {year}", table,
                  ["binaan", "aktif", "tidak_aktif", "koperasi_baru"],
                  [("% aktif", 1, 0)])  # fmt: skip
    formula_table(workbook, "Tabel 3.9", f"KSP/USP sehat per kecamatan, tahun {year}", table,
                  ["ksp_usp", "dinilai", "sehat"],
                  [("% dinilai", 1, 0), ("% sehat", 2, 0)])  # fmt: skip
    formula_table(workbook, "Tabel 3.14", f"Koperasi berkualitas per kecamatan, tahun {year}", table,
                  ["aktif", "berkualitas", "sehat_berkualitas"],
                  [("% berkualitas", 1, 0), ("% sehat dan berkualitas", 2, 0)])  # fmt: skip
    programme_sheet(workbook, report)
    values = workbook.create_sheet("Nilai")
    header, rows = indicator_rows(report)
    values.append(header)
    for row in rows:
        values.append(row)
    return save(workbook)


def programme_sheet(workbook, report: dict) -> None:
    """Table 3.16: realisasi = pembilang ÷ penyebut × 100 and capaian as Excel formulas."""
    sheet = workbook.create_sheet("Tabel 3.16")
    sheet.append([f"Indikator program, tahun {report['year']}"])
    sheet.append(["Indikator", "Pembilang", "Penyebut", "Realisasi (%)", "Target (%)",
                  "Capaian (%)", "Arah"])  # fmt: skip
    for item in report["indicators"]:
        if item["unit"] != "%":
            continue
        r = sheet.max_row + 1
        inverse = item.get("arah") == "turun"
        capaian = f"=(2*E{r}-D{r})/E{r}*100" if inverse else f"=D{r}/E{r}*100"
        sheet.append([item["name"], plain(item["numerator"]), plain(item["denominator"]),
                      pct_formula(2, 3, r), plain(item["target"]),
                      f'=IF(OR(E{r}="",D{r}=""),"",ROUND({capaian[1:]},2))',
                      "turun" if inverse else "naik"])  # fmt: skip
