"""Exports open in openpyxl with the right values; the LKjIP workbook carries real formulas."""

import io

import pytest
from openpyxl import load_workbook


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    a, b = make_region("Mojosari"), make_region("Sooko")
    for region, n in ((a, 3), (b, 1)):
        for i in range(n):
            coop = make_cooperative(f"KSP {region.kecamatan} {i}", region)
            make_report(coop, 2024, "2025-03-01", volume_usaha=100, volume_usaha_lalu=90)
            make_report(coop, 2025, "2026-03-01", volume_usaha=110, volume_usaha_lalu=100)


def workbook(client, url, login_as):
    from sikomo.models import Role

    login_as(Role.DINAS)
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_kecamatan_table_exports_its_counts(client, login_as, register):
    sheet = workbook(client, "/indikator/ekspor/kecamatan.xlsx?tahun=2026", login_as).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Kecamatan", "Binaan", "Aktif", "Tidak aktif")
    assert rows[1][:4] == ("Mojosari", 3, 3, 0) and rows[2][:4] == ("Sooko", 1, 1, 0)


def test_lkjip_workbook_writes_formulas_beside_the_computed_values(client, login_as, register):
    book = workbook(client, "/indikator/lkjip.xlsx?tahun=2026", login_as)
    assert {"Tabel 3.8", "Tabel 3.9", "Tabel 3.14", "Tabel 3.16", "Nilai"} <= set(book.sheetnames)
    table = book["Tabel 3.8"]
    assert [c.value for c in table[3]][:3] == ["Mojosari", 3, 3]
    assert table["F3"].value == '=IF(B3=0,"",ROUND(C3/B3*100,2))'
    assert table["A5"].value == "Jumlah" and table["B5"].value == "=SUM(B3:B4)"
    values = {row[0]: row for row in book["Nilai"].iter_rows(min_row=2, values_only=True)}
    assert values["aktif_pct"][2:5] == (4, 4, 100)
    programme = {row[0]: row for row in book["Tabel 3.16"].iter_rows(min_row=3, values_only=True)}
    assert programme["Persentase koperasi aktif"][1:4] == (4, 4, '=IF(C3=0,"",ROUND(B3/C3*100,2))')


def test_csv_export_uses_the_same_numbers(client, login_as, register):
    from sikomo.models import Role

    login_as(Role.DINAS)
    body = client.get("/indikator/ekspor/indikator.csv?tahun=2026").data.decode("utf-8-sig")
    assert "aktif_pct;Persentase koperasi aktif;4;4;100;%;" in body
    comma = client.get("/indikator/ekspor/indikator.csv?tahun=2026&pemisah=koma").data.decode()
    assert "aktif_pct,Persentase koperasi aktif,4,4,100,%," in comma


def test_dashboard_shows_percentages_with_a_decimal_comma(client, login_as, register):
    from sikomo.models import Role

    login_as(Role.DINAS)
    page = client.get("/indikator/?tahun=2026").get_data(as_text=True)
    assert "100,00 %" in page and "chart.umd.min.js" in page and "Mojosari" in page
