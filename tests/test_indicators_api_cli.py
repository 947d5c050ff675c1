"""The API and the CLI return the same numbers; bad input gets JSON errors; the audit catches slips."""

import csv
import io
import json

import pytest

from sikomo.indicators.audit import audit_year, parse_number
from sikomo.models import Role


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    a, b = make_region("Mojosari"), make_region("Sooko")
    for region, n in ((a, 3), (b, 2)):
        for i in range(n):
            coop = make_cooperative(f"KSP {region.kecamatan} {i}", region)
            make_report(coop, 2024, "2025-03-01", volume_usaha=100, volume_usaha_lalu=90)
            make_report(coop, 2025, "2026-03-01", volume_usaha=110 + i, volume_usaha_lalu=100)


@pytest.mark.parametrize("by", [None, "kecamatan", "jenis"])
def test_api_and_cli_return_identical_json(client, runner, register, by):
    query = "?year=2026" + (f"&by={by}" if by else "")
    api = client.get("/api/v1/indicators" + query)
    assert api.status_code == 200
    args = ["indicators", "--year", "2026"] + (["--by", by] if by else [])
    cli = runner.invoke(args=args)
    assert cli.exit_code == 0, cli.output
    assert api.get_json() == json.loads(cli.output)
    assert api.get_json()["year"] == 2026


def test_cli_csv_holds_the_same_numbers_as_the_api(client, runner, register):
    api = client.get("/api/v1/indicators?year=2026&by=kecamatan").get_json()
    cli = runner.invoke(
        args=["indicators", "--year", "2026", "--by", "kecamatan", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(cli.output)))
    total = {r["code"]: r for r in rows if r["group"] == "Total"}
    for item in api["indicators"]:
        expected = "" if item["value"] is None else str(item["value"])
        assert total[item["code"]]["value"] == expected
    sooko = {r["code"]: r for r in rows if r["group"] == "Sooko"}
    assert sooko["binaan"]["value"] == "2"


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "year"), ("?year=abc", "year"), ("?year=1800", "year"), ("?year=2026&by=desa", "by")],
)
def test_api_answers_bad_input_with_json_errors(client, query, field):
    response = client.get("/api/v1/indicators" + query)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_audit_finds_every_total_consistent_with_its_rows(register):
    result = audit_year(2026)
    assert result.ok and result.checked > 0


def test_audit_catches_a_published_total_that_is_not_the_sum_of_its_rows(
    register, tmp_path, runner
):
    published = tmp_path / "tabel_3_14.csv"
    published.write_text(
        "kecamatan,indicator,value\n"
        "Mojosari,berkualitas,3\nSooko,berkualitas,2\nTotal,berkualitas,6\n"
        'Total,Persentase koperasi aktif,"100,00 %"\n'
    )
    result = audit_year(2026, published.read_text())
    assert [(f.check, f.indicator, f.found) for f in result.findings] == [
        ("terbit", "berkualitas", 6),  # recomputed: 5
        ("total", "berkualitas", 6),  # published rows sum to 5
    ]
    cli = runner.invoke(args=["audit-indicators", "--year", "2026", "--published", str(published)])
    assert cli.exit_code == 1
    assert "Total · berkualitas: tertulis 6,00, jumlah baris 5,00" in cli.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45,21 %", "45.21"), ("487.479.523.077", "487479523077"), ("0.43", "0.43"), ("203", "203")],
)
def test_published_numbers_are_read_in_indonesian_or_plain_notation(text, expected):
    assert str(parse_number(text)) == expected


def test_a_published_table_is_checked_on_the_page_after_a_redirect(client, login_as, register):
    login_as(Role.DINAS)
    table = "kecamatan;indicator;value\nMojosari;berkualitas;3\nSooko;berkualitas;NaN\nTotal;berkualitas;6\n"
    data = {"berkas": (io.BytesIO(table.encode("utf-8-sig")), "tabel.csv")}
    response = client.post(
        "/indikator/audit?tahun=2026", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and "hasil=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("Beda dengan hitung ulang") == 2  # Sooko's NaN is no figure; the total is 6
    assert "Jumlah ≠ baris" not in page  # a total is summed only over rows that all hold figures
