"""Prior-year figures (decisions.md item 20): a blank `_lalu` field takes the value of the
cooperative's previous tahun buku's report, in the form, the Excel template, the import, the API
and the indicators alike."""

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from scoring.schema import lalu_twins
from sikomo.extensions import db
from sikomo.indicators.compute import group_counts
from sikomo.indicators.facts import GROWTH_CRITERIA
from sikomo.models import IndicatorFact, Report, ReportStatus, Role
from sikomo.prior_year import fill_lalu, previous_report, previous_reports
from sikomo.reports import operations as ops
from sikomo.reports.importer import import_file
from sikomo.settings import set_setting
from tests.statements import sent

from .test_report_files import rows_by_key, send_back, template_of

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
# Tahun buku 2025 as the sample has it, without any prior-year figure.
CURRENT = {k: v for k, v in SAMPLE.items() if k not in lalu_twins() and k != "jenis"}
# Tahun buku 2024: a smaller, still balanced report (RAT held in 2025).
SHRINK = ("kas", "total_aset", "simpanan_sukarela_anggota", "total_kewajiban_lancar",
          "total_kewajiban")  # fmt: skip
EARLIER = (
    CURRENT
    | {k: CURRENT[k] - 100_000_000 for k in SHRINK}
    | {
        "tahun_buku": 2024,
        "tanggal_rat": "2025-03-14",
        "volume_usaha": CURRENT["volume_usaha"] - 1_000_000_000,
    }
)
FROM_2024 = "dari laporan tahun buku 2024"


# --- fill_lalu: a pure function ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "previous", "expected", "sources"),
    [
        ({}, {"total_aset": 8}, {"total_aset_lalu": 8}, {"total_aset_lalu": FROM_2024}),
        ({"total_aset_lalu": None}, {"total_aset": 8}, {"total_aset_lalu": 8},
         {"total_aset_lalu": FROM_2024}),
        ({"total_aset_lalu": 5}, {"total_aset": 8}, {"total_aset_lalu": 5}, {}),
        ({"total_aset_lalu": 0}, {"total_aset": 8}, {"total_aset_lalu": 0}, {}),  # 0 is typed
        ({"total_aset": 9}, {"total_aset": None}, {"total_aset": 9}, {}),
        ({}, {"total_aset": "delapan", "kas": True}, {}, {}),  # not a figure: never copied
        ({}, None, {}, {}),
        ({}, "not a report", {}, {}),
        ({}, {"total_aset_lalu": 7}, {}, {}),  # the previous report's own twin is not its figure
    ],
)  # fmt: skip
def test_fill_lalu_fills_only_blank_twins_and_names_the_source(data, previous, expected, sources):
    filled, found = fill_lalu(data, previous, 2024)
    assert filled == expected and found == sources


def test_fill_lalu_fills_every_twin_and_leaves_its_input_alone():
    data = {"tahun_buku": 2025, "kas_lalu": 1, "kuesioner": {"a": True}}
    filled, sources = fill_lalu(data, EARLIER, 2024)
    assert data == {"tahun_buku": 2025, "kas_lalu": 1, "kuesioner": {"a": True}}
    assert filled["kas_lalu"] == 1 and "kas_lalu" not in sources
    assert filled["volume_usaha_lalu"] == EARLIER["volume_usaha"]
    assert filled["jumlah_anggota_lalu"] == EARLIER["jumlah_anggota"]
    assert set(sources.values()) == {FROM_2024}
    filled["kuesioner"]["a"] = False
    assert data["kuesioner"] == {"a": True}


def test_fill_lalu_keeps_a_twin_whose_typed_text_could_not_be_read():
    filled, sources = fill_lalu({}, {"kas": 5, "bank": 6}, 2024, typed={"kas_lalu": "lima"})
    assert filled == {"bank_lalu": 6} and list(sources) == ["bank_lalu"]


# --- previous_report: which version of tahun buku N - 1 --------------------------------------


def add(coop, tahun_buku, version, status, imported=False, **data) -> Report:
    report = Report(cooperative_id=coop.id, tahun_buku=tahun_buku, version=version,
                    status=status, imported=imported, data={"tahun_buku": tahun_buku, **data})  # fmt: skip
    db.session.add(report)
    db.session.commit()
    return report


D, A, R, S = ReportStatus.DRAF, ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN, "disetujui"


@pytest.mark.parametrize(
    ("versions", "chosen"),
    [
        ([(S, False), (A, False), (D, False)], 1),  # approved first, though older
        ([(S, False), (S, False), (A, False)], 2),  # the newest approved
        ([(A, False), (R, True), (D, False)], 2),  # no approval: the newest counted (imported)
        ([(R, False), (D, False)], None),  # nothing counted
    ],
)
def test_the_previous_report_is_the_newest_approved_else_the_newest_counted(
    make_cooperative, versions, chosen
):
    coop = make_cooperative()
    for number, (status, imported) in enumerate(versions, start=1):
        add(coop, 2024, number, ReportStatus(status), imported, total_aset=number)
    add(coop, 2023, 1, ReportStatus.DISETUJUI, total_aset=99)  # another year never counts
    found = previous_report(coop.id, 2025)
    assert (found.version if found else None) == chosen
    batched = previous_reports([(coop.id, 2025)]).get((coop.id, 2025))
    assert batched is found


def test_a_batch_of_previous_reports_is_one_query_for_many_cooperatives(make_cooperative):
    coops = [make_cooperative(f"KSP {i}") for i in range(30)]
    for number, coop in enumerate(coops):
        add(coop, 2024, 1, ReportStatus.DIAJUKAN if number % 2 else ReportStatus.DISETUJUI)
    ids = [c.id for c in coops]
    with sent() as statements:
        found = previous_reports([(i, 2025) for i in ids] + [(ids[0], 2030)])
    assert len(statements) == 2  # one per year asked about
    assert {key: r.cooperative_id for key, r in found.items()} == {(i, 2025): i for i in ids}


# --- the pengurus's form: a new draft ---------------------------------------------------------


@pytest.fixture
def pengurus(login_as, make_cooperative):
    coop = make_cooperative("KSP Sejahtera Bersama", nik="3516000000000777")
    return login_as(Role.PENGURUS, cooperative=coop)


def start(client, tahun_buku=2025) -> Report:
    assert client.post("/laporan/mulai", data={"tahun_buku": tahun_buku}).status_code == 302
    return db.session.scalar(select(Report).where(Report.tahun_buku == tahun_buku))


def test_a_new_draft_takes_its_prior_year_figures_from_a_submitted_report(client, pengurus):
    figures = {k: v for k, v in EARLIER.items() if k != "tahun_buku"}
    add(pengurus.cooperative, 2024, 1, ReportStatus.DIAJUKAN, **figures)
    report = start(client)
    assert report.data["total_aset_lalu"] == EARLIER["total_aset"]
    assert report.data["volume_usaha_lalu"] == EARLIER["volume_usaha"]
    assert "total_aset_lalu" in report.data[ops.PREFILLED]
    assert report.data[ops.SOURCES]["total_aset_lalu"] == FROM_2024
    assert set(report.data[ops.SOURCES]) == set(report.data[ops.PREFILLED])
    page = client.get(f"/laporan/{report.id}/bagian/neraca").get_data(as_text=True)
    assert "prefilled" in page


def test_typing_over_a_prefilled_figure_drops_its_source(client, pengurus):
    add(pengurus.cooperative, 2024, 1, ReportStatus.DIAJUKAN, total_aset=100, volume_usaha=50)
    report = start(client)
    ops.save_values(pengurus, report, {"total_aset_lalu": 120, "volume_usaha_lalu": 50}, {}, None)
    assert "total_aset_lalu" not in report.data[ops.SOURCES]
    assert "total_aset_lalu" not in report.data[ops.PREFILLED]
    assert (
        report.data[ops.SOURCES]["volume_usaha_lalu"] == FROM_2024
    )  # unchanged: still last year's


def test_a_new_draft_prefers_the_approved_version_of_last_year(client, pengurus):
    add(pengurus.cooperative, 2024, 1, ReportStatus.DISETUJUI, total_aset=100)
    add(pengurus.cooperative, 2024, 2, ReportStatus.DIAJUKAN, total_aset=200)  # a correction
    assert start(client).data["total_aset_lalu"] == 100


def test_a_new_draft_without_a_counted_report_last_year_has_no_prior_year_figures(client, pengurus):
    add(pengurus.cooperative, 2024, 1, ReportStatus.DRAF, total_aset=100)
    report = start(client)
    assert "total_aset_lalu" not in report.data
    assert report.data[ops.PREFILLED] == [] and report.data[ops.SOURCES] == {}


# --- the Dinas bulk import and the indicators ------------------------------------------------


@pytest.fixture
def coop(make_region, make_cooperative):
    return make_cooperative("KSP Dua Tahun", make_region("Pacet"), nik="3516000000000101")


def import_rows(coop, *rows) -> None:
    frame = pd.DataFrame([{"nik": coop.nik, **row} for row in rows]).convert_dtypes()
    result = import_file("test", frame.to_csv(index=False).encode(), "laporan.csv")
    assert result.ok, result.errors


def report_of(coop, tahun_buku: int) -> Report:
    query = select(Report).where(Report.cooperative_id == coop.id, Report.tahun_buku == tahun_buku)
    return db.session.scalar(query.order_by(Report.version.desc()))


def berkualitas(criterion: str, year: int = 2026) -> int:
    set_setting("berkualitas_criterion", criterion)
    db.session.commit()
    return int(group_counts(year)["berkualitas"].sum())


def assert_growth_is_counted(coop) -> None:
    for criterion in GROWTH_CRITERIA:
        assert berkualitas(criterion) == 1, criterion
    fact = db.session.scalar(
        select(IndicatorFact).where(
            IndicatorFact.cooperative_id == coop.id, IndicatorFact.year == 2026
        )  # fmt: skip
    )
    assert (fact.volume, fact.volume_prev) == (CURRENT["volume_usaha"], EARLIER["volume_usaha"])


def assert_filled_from_2024(report: Report) -> None:
    assert report.data["volume_usaha_lalu"] == EARLIER["volume_usaha"]
    assert report.data["total_aset_lalu"] == EARLIER["total_aset"]
    assert report.data[ops.SOURCES]["total_aset_lalu"] == FROM_2024
    assert report.total_aset_lalu == EARLIER["total_aset"]  # the column the indicators read


@pytest.mark.parametrize("order", [(EARLIER, CURRENT), (CURRENT, EARLIER)])
def test_a_two_year_import_in_one_file_gives_growth_whatever_the_row_order(coop, order):
    import_rows(coop, *order)
    assert_filled_from_2024(report_of(coop, 2025))
    assert "total_aset_lalu" not in report_of(coop, 2024).data  # no 2023 report anywhere
    assert_growth_is_counted(coop)


def test_a_two_year_import_in_two_runs_fills_the_later_year_from_the_stored_one(coop):
    import_rows(coop, EARLIER)
    import_rows(coop, CURRENT)
    assert_filled_from_2024(report_of(coop, 2025))
    assert_growth_is_counted(coop)


def test_a_two_year_import_in_two_runs_backwards_counts_growth_from_the_later_import(coop):
    import_rows(coop, CURRENT)
    assert berkualitas("volume_usaha") == 0  # nothing to compare with yet
    import_rows(coop, EARLIER)
    assert "total_aset_lalu" not in report_of(coop, 2025).data  # submitted: frozen as imported
    assert_growth_is_counted(coop)


def test_a_typed_prior_year_figure_in_the_file_is_kept(coop):
    import_rows(coop, EARLIER, CURRENT | {"volume_usaha_lalu": CURRENT["volume_usaha"] + 1})
    report = report_of(coop, 2025)
    assert report.data["volume_usaha_lalu"] == CURRENT["volume_usaha"] + 1
    assert "volume_usaha_lalu" not in report.data[ops.SOURCES]
    assert report.data["total_aset_lalu"] == EARLIER["total_aset"]
    assert berkualitas("volume_usaha") == 0 and berkualitas("total_aset") == 1


def test_the_growth_of_a_year_follows_a_change_to_the_year_before(coop):
    import_rows(coop, CURRENT)
    import_rows(coop, EARLIER)
    earlier = report_of(coop, 2024)
    earlier.data = {**earlier.data, "volume_usaha": CURRENT["volume_usaha"] * 2}
    db.session.commit()
    assert berkualitas("volume_usaha") == 0 and berkualitas("total_aset") == 1
    db.session.delete(earlier)
    db.session.commit()
    assert berkualitas("total_aset") == 0


def test_the_indicators_compare_with_the_approved_version_of_the_year_before(coop):
    add(coop, 2025, 1, ReportStatus.DIAJUKAN, volume_usaha=150, tanggal_rat="2026-03-01")
    add(coop, 2024, 1, ReportStatus.DISETUJUI, volume_usaha=100, tanggal_rat="2025-03-01")
    correction = add(coop, 2024, 2, ReportStatus.DIAJUKAN, volume_usaha=200,
                     tanggal_rat="2025-03-01")  # fmt: skip
    assert previous_report(coop.id, 2025).version == 1
    assert berkualitas("volume_usaha") == 1  # 150 > 100, the approved figure
    correction.status = ReportStatus.DISETUJUI  # now 150 < 200
    db.session.commit()
    assert berkualitas("volume_usaha") == 0


def test_a_bulk_import_looks_up_the_previous_reports_in_a_few_queries(make_cooperative):
    coops = [make_cooperative(f"KSP {i}", nik=f"35160000000002{i:02d}") for i in range(40)]
    rows = [{"nik": c.nik, **EARLIER} for c in coops] + [{"nik": c.nik, **CURRENT} for c in coops]
    with sent() as statements:
        frame = pd.DataFrame(rows)
        result = import_file("test", frame.to_csv(index=False).encode(), "laporan.csv")
    assert result.ok and result.created == 80
    previous = [s for s in statements if "row_number" in s.lower()]
    assert len(previous) == 4  # counted and approved, for each of the two years
    assert all(report_of(c, 2025).data["total_aset_lalu"] == EARLIER["total_aset"] for c in coops)


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def token(coop, make_token):
    return make_token(coop)


def post(client, token, body):
    return client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {token}"})


def test_a_report_posted_with_blank_prior_year_fields_gets_them_from_last_years_report(
    client, coop, token
):
    import_rows(coop, EARLIER)  # imported, not approved
    typed = CURRENT["volume_usaha"] + 5
    body = CURRENT | {"total_aset_lalu": None, "volume_usaha_lalu": typed}
    response = post(client, token, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["report"]["data"]
    assert data["total_aset_lalu"] == EARLIER["total_aset"] and data["volume_usaha_lalu"] == typed
    assert ops.SOURCES not in data  # private in the data: the response names them apart
    assert response.get_json()["report"]["sumber_lalu"]["total_aset_lalu"] == FROM_2024
    stored = report_of(coop, 2025).data
    assert stored[ops.SOURCES]["total_aset_lalu"] == FROM_2024
    assert "volume_usaha_lalu" not in stored[ops.SOURCES]
    assert "volume_usaha_lalu" not in stored[ops.PREFILLED]


def test_a_draft_posted_again_is_filled_from_a_report_submitted_meanwhile(client, coop, token):
    assert post(client, token, CURRENT).status_code == 201
    assert "total_aset_lalu" not in report_of(coop, 2025).data
    import_rows(coop, EARLIER)
    assert post(client, token, {"tahun_buku": 2025, "kas": CURRENT["kas"]}).status_code == 200
    stored = report_of(coop, 2025).data
    assert stored["total_aset_lalu"] == EARLIER["total_aset"]
    assert stored[ops.SOURCES]["total_aset_lalu"] == FROM_2024


def test_a_prior_year_figure_sent_through_the_api_replaces_a_prefilled_one(client, coop, token):
    import_rows(coop, EARLIER)
    assert post(client, token, CURRENT).status_code == 201
    assert report_of(coop, 2025).data[ops.SOURCES]["kas_lalu"] == FROM_2024
    assert post(client, token, {"tahun_buku": 2025, "kas_lalu": 7}).status_code == 200
    stored = report_of(coop, 2025).data
    assert stored["kas_lalu"] == 7 and "kas_lalu" not in stored[ops.SOURCES]
    assert "kas_lalu" not in stored[ops.PREFILLED]


# --- the Excel template ----------------------------------------------------------------------


@pytest.fixture
def early_draft(client, pengurus):
    """A draft started before last year's report was submitted: no prior-year figures."""
    report = start(client)
    figures = {k: v for k, v in EARLIER.items() if k != "tahun_buku"}
    add(pengurus.cooperative, 2024, 1, ReportStatus.DIAJUKAN, **figures)
    return report


def test_the_template_shows_the_previous_reports_figures_and_where_they_came_from(
    client, early_draft
):
    sheet = template_of(client, early_draft)["Laporan"]
    row = rows_by_key(sheet)["total_aset"]
    assert sheet.cell(row, 5).value == EARLIER["total_aset"]
    assert sheet.cell(row, 6).value == FROM_2024
    assert sheet.cell(row, 5).fill.fgColor.rgb.endswith("E8F0FE")


def test_an_uploaded_template_keeps_the_sources_and_refills_a_cleared_cell(client, early_draft):
    wb = template_of(client, early_draft)
    sheet, rows = wb["Laporan"], rows_by_key(wb["Laporan"])
    sheet.cell(rows["kas"], 5).value = None  # cleared: taken again from last year's report
    sheet.cell(rows["bank"], 5).value = 1_000  # typed over the prefilled figure
    assert send_back(client, early_draft, wb).status_code == 302
    db.session.refresh(early_draft)
    data = early_draft.data
    assert data["kas_lalu"] == EARLIER["kas"] and data["bank_lalu"] == 1_000
    assert data[ops.SOURCES]["kas_lalu"] == FROM_2024
    assert data[ops.SOURCES]["total_aset_lalu"] == FROM_2024  # shown and sent back unchanged
    assert "bank_lalu" not in data[ops.SOURCES] and "bank_lalu" not in data[ops.PREFILLED]


def test_a_spoiled_upload_fills_nothing(client, early_draft):
    wb = template_of(client, early_draft)
    rows = rows_by_key(wb["Laporan"])
    wb["Laporan"].cell(rows["kas"], 4).value = "seratus ribu"
    refused = send_back(client, early_draft, wb)
    assert refused.status_code == 302 and "hasil=" in refused.headers["Location"]
    db.session.refresh(early_draft)
    assert "total_aset_lalu" not in early_draft.data and not early_draft.data[ops.SOURCES]


@pytest.mark.parametrize("data", [None, "laporan", 5])
def test_fill_lalu_treats_data_that_is_not_a_mapping_as_empty(data):
    assert fill_lalu(data, {"kas": 5}, 2024) == ({"kas_lalu": 5}, {"kas_lalu": FROM_2024})
