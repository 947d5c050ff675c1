"""Exports: each dashboard table as CSV and XLSX, and the LKjIP workbook with its formulas written
out; both through sikomo.spreadsheet (Indonesian CSV, formatted XLSX)."""

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sikomo.indicators.serialize import plain
from sikomo.spreadsheet import Column, add_sheet, columns, save

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
    "diharapkan": "Laporan diharapkan",
    "masuk": "Laporan masuk",
    "tepat_waktu": "Laporan tepat waktu",
}
COMPLIANCE_LABELS = {
    "tanpa_laporan": "Tanpa laporan",
    "ksp_belum_dinilai": "KSP/USP belum dinilai",
    "menunggu_review": "Menunggu review > 30 hari",
    "temuan_lewat_batas": "Temuan lewat batas",
}
INDICATOR_COLUMNS = columns("Kode", "Indikator", ("Pembilang", "number"), ("Penyebut", "number"),
                            ("Nilai", "number"), "Satuan", ("Target", "number"),
                            ("Capaian (%)", "percent"), "Kategori capaian")  # fmt: skip


def indicator_rows(report: dict) -> tuple[list[Column], list[list]]:
    keys = ("code", "name", "numerator", "denominator", "value", "unit", "target", "capaian",
            "kategori_capaian")  # fmt: skip
    return INDICATOR_COLUMNS, [[plain(i[k]) for k in keys] for i in report["indicators"]]


def count_columns(first: str, codes) -> list[Column]:
    kinds = {c: "rupiah" if c == "volume_usaha" else "count" for c in COUNT_LABELS}
    return [Column(first), *(Column(COUNT_LABELS[c], kinds[c]) for c in codes)]


def count_rows(table: list[dict], by: str) -> tuple[list[Column], list[list]]:
    """A `breakdown` table: one row per group, its name first."""
    cols = count_columns(by.capitalize(), COUNT_LABELS)
    return cols, [[row["name"], *(int(value) for value in counted(row))] for row in table]


def counted(row: dict) -> list[int]:
    """The COUNT_LABELS figures of a `breakdown` row (tidak aktif = binaan − aktif)."""
    return [row["binaan"] - row["aktif"] if c == "tidak_aktif" else row[c] for c in COUNT_LABELS]


def compliance_rows(table: list[dict]) -> tuple[list[Column], list[list]]:
    cols = [Column("Kecamatan"), *(Column(label, "count") for label in COMPLIANCE_LABELS.values())]
    return cols, [[row["name"], *(int(row[c]) for c in COMPLIANCE_LABELS)] for row in table]


def pct_formula(numerator_col: int, denominator_col: int, row: int) -> str:
    num, den = get_column_letter(numerator_col), get_column_letter(denominator_col)
    return f'=IF({den}{row}=0,"",ROUND({num}{row}/{den}{row}*100,2))'


def formula_table(workbook, title, caption, table, codes, ratios):
    """A per-kecamatan sheet: counts as values, percentage columns and the total row as formulas."""
    cols = count_columns("Kecamatan", codes) + [Column(label, "percent") for label, _, _ in ratios]
    first = 3  # the caption, the header, then the rows
    rows = [
        [row["name"], *(int(row[c]) for c in codes),
         *(pct_formula(n + 2, d + 2, first + offset) for _, n, d in ratios)]
        for offset, row in enumerate(table)
    ]  # fmt: skip
    last, total = first + len(table) - 1, first + len(table)
    sums = [f"=SUM({get_column_letter(i + 2)}{first}:{get_column_letter(i + 2)}{last})"
            for i in range(len(codes))]  # fmt: skip
    rows.append(["Jumlah", *sums, *(pct_formula(n + 2, d + 2, total) for _, n, d in ratios)])
    return add_sheet(workbook, title, cols, rows, caption=caption)


def lkjip_workbook(report: dict, kecamatan: list[dict]) -> bytes:
    """Tables like the LKjIP's 3.8, 3.9, 3.14 and 3.16, and the reporting rates per kecamatan;
    'Nilai' holds every figure as computed here."""
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
    formula_table(workbook, "Pelaporan", f"Pelaporan RAT tahun buku {year - 1} per kecamatan",
                  table, ["diharapkan", "masuk", "tepat_waktu"],
                  [("% masuk", 1, 0), ("% tepat waktu", 2, 0)])  # fmt: skip
    programme_sheet(workbook, report)
    add_sheet(workbook, "Nilai", *indicator_rows(report))
    return save(workbook)


PROGRAMME_COLUMNS = columns("Indikator", ("Pembilang", "count"), ("Penyebut", "count"),
                            ("Realisasi (%)", "percent"), ("Target (%)", "percent"),
                            ("Capaian (%)", "percent"), "Arah")  # fmt: skip


def programme_sheet(workbook, report: dict) -> None:
    """Table 3.16: realisasi = pembilang ÷ penyebut × 100 and capaian as Excel formulas."""
    first, rows = 3, []
    for item in (i for i in report["indicators"] if i["unit"] == "%"):
        r = first + len(rows)
        inverse = item.get("arah") == "turun"
        capaian = f"=(2*E{r}-D{r})/E{r}*100" if inverse else f"=D{r}/E{r}*100"
        rows.append([item["name"], plain(item["numerator"]), plain(item["denominator"]),
                     pct_formula(2, 3, r), plain(item["target"]),
                     f'=IF(OR(E{r}="",D{r}=""),"",ROUND({capaian[1:]},2))',
                     "Makin rendah makin baik" if inverse else "Makin tinggi makin baik"])  # fmt: skip
    caption = f"Indikator program, tahun {report['year']}"
    add_sheet(workbook, "Tabel 3.16", PROGRAMME_COLUMNS, rows, caption=caption)
