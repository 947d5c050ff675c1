"""Exports open cleanly in an Indonesian Excel: CSV with a BOM, ";" and a decimal comma (or ","
on request); XLSX with a bold frozen header, fitted widths, Rp and % formats, NIK as text; a text
that starts like a formula is shown, never run."""

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from sikomo import spreadsheet
from sikomo.extensions import db
from sikomo.models import Role
from sikomo.spreadsheet import Column

COLS = [Column("Nama"), Column("NIK"), Column("Anggota", "count"), Column("Volume", "rupiah"),
        Column("Sehat", "percent"), Column("Tanggal", "date")]  # fmt: skip
ROWS = [["KSP Maju", "3516000000000001", 1250, 661_584_396_325, 45.2134, date(2026, 3, 14)],
        ["=HYPERLINK(\"http://x\")", "3516000000000002", 3, 0, Decimal("100"), None]]  # fmt: skip


def test_csv_is_semicolon_separated_with_a_bom_and_reads_back_with_a_decimal_comma():
    body = spreadsheet.to_csv(COLS, ROWS)
    assert body.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(
        io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig", dtype={"NIK": str}
    )
    assert list(table.columns) == [c.header for c in COLS]
    assert table["Sehat"].tolist() == [45.21, 100.0]
    assert table["Volume"].tolist() == [661_584_396_325, 0]
    assert table["NIK"].tolist() == ["3516000000000001", "3516000000000002"]


def test_the_comma_variant_uses_a_decimal_point():
    body = spreadsheet.to_csv(COLS, ROWS, comma=True).decode("utf-8-sig")
    assert body.splitlines()[1] == "KSP Maju,3516000000000001,1250,661584396325,45.21,2026-03-14"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_like_text_is_neutralised_in_csv(start):
    body = spreadsheet.to_csv([Column("Nama")], [[f"{start}cmd|' /C calc'!A0"]]).decode("utf-8-sig")
    assert body.splitlines()[1].lstrip('"').startswith("'" + start.strip())


def test_xlsx_has_a_bold_frozen_header_fitted_widths_and_number_formats():
    sheet = load_workbook(io.BytesIO(spreadsheet.to_xlsx(COLS, ROWS, "Uji"))).active
    assert sheet.title == "Uji" and sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    formats = [cell.number_format for cell in sheet[2]]
    assert formats == ["@", "@", "#,##0", '"Rp" #,##0', '0.00" %"', "dd/mm/yyyy"]
    assert sheet["B2"].value == "3516000000000001" and sheet["B2"].data_type == "s"
    assert sheet["D2"].value == 661_584_396_325 and sheet.column_dimensions["D"].width >= 18
    assert sheet["F2"].is_date
    assert sheet["A3"].data_type == "s" and sheet["A3"].value.startswith("=HYPERLINK")


def test_the_register_exports_nik_as_text_and_dates_as_dates(client, login_as, make_cooperative):
    coop = make_cooperative("=1+1", nik="3516000000000123")
    coop.tanggal_badan_hukum = date(2019, 5, 2)
    db.session.commit()
    login_as(Role.DINAS)
    response = client.get("/koperasi/ekspor.xlsx")
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["nik"].value == "3516000000000123" and row["nik"].number_format == "@"
    assert row["nama"].data_type == "s" and row["tanggal_badan_hukum"].is_date
    text = client.get("/koperasi/ekspor.csv").data.decode("utf-8-sig")
    assert "3516000000000123;'=1+1;" in text


def test_indicator_tables_carry_count_rupiah_and_percent_formats(
    client, login_as, make_cooperative
):
    make_cooperative()
    login_as(Role.DINAS)
    sheet = load_workbook(io.BytesIO(client.get("/indikator/ekspor/kecamatan.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    formats = {h: sheet.cell(2, i + 1).number_format for i, h in enumerate(header)}
    assert formats["Aktif"] == "#,##0" and formats["Volume usaha (Rp)"] == '"Rp" #,##0'
    lkjip = load_workbook(io.BytesIO(client.get("/indikator/lkjip.xlsx").data))
    table = lkjip["Tabel 3.8"]
    assert table["A2"].font.bold and table.freeze_panes == "A3"
    assert table["F3"].number_format == '0.00" %"' and table["F3"].value.startswith("=IF(")


def test_the_rat_template_shows_a_formula_like_name_as_text(
    client, login_as, make_cooperative, make_report
):
    coop = make_cooperative('=HYPERLINK("http://x","klik")', nik="3516000000000124")
    report = make_report(coop, 2025)
    login_as(Role.PENGURUS, cooperative=coop)
    sheet = load_workbook(io.BytesIO(client.get(f"/laporan/{report.id}/template.xlsx").data))[
        "Laporan"
    ]
    assert sheet["B1"].data_type == "s" and sheet["B1"].value.startswith("=HYPERLINK")
    assert sheet["B2"].value == "3516000000000124" and sheet["B2"].number_format == "@"
