"""Deadlines and the reporting-rate indicators: laporan diharapkan, masuk and tepat waktu.

Indicator year 2026 counts the reports of tahun buku 2025, due 30 days after the RAT (or after
the RAT deadline, 30 June 2026, when no RAT date is given)."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sikomo import lateness
from sikomo.deadlines import days_late, local_day, rat_deadline, report_due, today
from sikomo.extensions import db
from sikomo.indicators import members, reporting, stale
from sikomo.indicators.compute import group_counts, reference_counts
from sikomo.indicators.operations import indicator_report
from sikomo.models import Cooperative, Jenis, Region, Report, ReportStatus, Role
from sikomo.settings import set_setting
from sikomo.status import indicator_year
from tests.conftest import as_user
from tests.rendered import rendered_context

YEAR = 2026
WIB_2330 = timedelta(hours=16, minutes=30)  # 23:30 WIB is 16:30 UTC the same day


def moment(day: date, utc: timedelta = timedelta(hours=3)) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + utc


# --- the deadline arithmetic at its edges ------------------------------------------------------


def test_the_report_is_due_thirty_days_after_the_rat(app):
    assert rat_deadline(2025) == date(2026, 6, 30)
    assert report_due(2025, date(2026, 3, 1)) == date(2026, 3, 31)
    assert report_due(2025, None) == date(2026, 7, 30)  # no RAT date: from the RAT deadline


def test_submitting_on_the_due_day_is_on_time_and_a_day_after_is_one_day_late(app):
    due = report_due(2025, date(2026, 3, 1))
    assert days_late(due, moment(due)) == 0
    assert days_late(due, moment(due + timedelta(days=1))) == 1
    assert days_late(due, moment(due + timedelta(days=10))) == 10


def test_a_report_sent_at_2330_wib_counts_as_that_wib_day(app):
    due = date(2026, 3, 31)
    assert local_day(moment(due, WIB_2330)) == due
    assert days_late(due, moment(due, WIB_2330)) == 0
    half_past_midnight = moment(due, timedelta(hours=17, minutes=30))  # 00:30 WIB on 1 April
    assert days_late(due, half_past_midnight) == 1
    assert days_late(due, half_past_midnight.replace(tzinfo=None)) == 1  # stored naive: UTC


def test_29_february_falls_to_the_28th_in_a_common_year(app):
    assert rat_deadline(2026, "02-29") == date(2027, 2, 28)
    assert rat_deadline(2027, "02-29") == date(2028, 2, 29)
    set_setting("batas_rat", "02-29")
    db.session.commit()
    assert report_due(2026, None) == date(2027, 2, 28) + timedelta(days=30)


def test_a_report_not_submitted_is_late_counted_to_today(app):
    due = today() - timedelta(days=12)
    assert days_late(due, None) == 12
    assert days_late(today() + timedelta(days=3), None) == 0
    assert days_late(date(2026, 3, 31), None, on=date(2026, 4, 5)) == 5


# --- a hand-built register ----------------------------------------------------------------------


def sent(report: Report, at: datetime, status=ReportStatus.DIAJUKAN) -> Report:
    report.status, report.submitted_at = status, at
    db.session.commit()
    return report


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    """Eight cooperatives in Mojosari and Sooko; each line says what it is for tahun buku 2025."""
    mojosari, sooko = make_region("Mojosari"), make_region("Sooko")
    coops = {}

    def coop(key, region, jenis=Jenis.KSP, **values):
        coops[key] = make_cooperative(f"Koperasi {key}", region, jenis=jenis, **values)
        return coops[key]

    # RAT 1 March, due 31 March: sent 23:30 WIB on the due day — masuk, tepat waktu.
    sent(
        make_report(coop("tepat", mojosari), 2025, "2026-03-01"),
        moment(date(2026, 3, 31), WIB_2330),
    )
    # the same RAT, sent 00:30 WIB on 1 April — masuk, one day late.
    late = make_report(coop("telat", mojosari, Jenis.KONSUMEN), 2025, "2026-03-01")
    sent(late, moment(date(2026, 3, 31), timedelta(hours=17, minutes=30)))
    # no RAT date: due 30 July 2026; sent that day and returned — masuk, tepat waktu.
    returned = make_report(coop("kembali", sooko), 2025, None)
    sent(returned, moment(date(2026, 7, 30)), ReportStatus.DIKEMBALIKAN)
    # a draft only — expected, not masuk.
    sent(make_report(coop("draf", sooko, Jenis.JASA), 2025, "2026-02-01"), None, ReportStatus.DRAF)
    # founded in 2026: no tahun buku 2025 to report — not expected.
    coop("baru", sooko, Jenis.JASA, tanggal_badan_hukum=date(2026, 2, 1))
    # imported by the Dinas: masuk, but its time is the import's — never tepat waktu.
    imported = make_report(coop("impor", mojosari, Jenis.KONSUMEN), 2025, "2026-03-01")
    imported.imported = True
    sent(imported, moment(date(2026, 3, 2)))
    # version 1 on time and returned, version 2 late: one report, on time.
    twice = coop("dua_versi", mojosari)
    sent(
        make_report(twice, 2025, "2026-03-01"), moment(date(2026, 3, 20)), ReportStatus.DIKEMBALIKAN
    )
    v2 = Report(cooperative_id=twice.id, tahun_buku=2025, version=2,
                data={"tahun_buku": 2025, "tanggal_rat": "2026-03-01"})  # fmt: skip
    db.session.add(v2)
    sent(v2, moment(date(2026, 6, 1)), ReportStatus.DISETUJUI)
    # no report at all — expected, not masuk.
    coop("diam", sooko)
    return coops


def counts_by_kecamatan(frame) -> dict:
    summed = frame.groupby("kecamatan")[list(reporting.COUNTS)].sum()
    return {k: tuple(int(v) for v in row) for k, row in summed.iterrows()}


def test_each_reporting_count_on_the_hand_built_register(register):
    # by hand: Mojosari expects tepat, telat, impor, dua_versi (4); masuk all 4; tepat waktu
    # tepat and dua_versi (2). Sooko expects kembali, draf, diam (3); masuk kembali; on time it.
    assert counts_by_kecamatan(group_counts(YEAR)) == {"Mojosari": (4, 4, 2), "Sooko": (3, 1, 1)}
    assert counts_by_kecamatan(reference_counts(YEAR)) == {
        "Mojosari": (4, 4, 2),
        "Sooko": (3, 1, 1),
    }
    figures = {i["code"]: i for i in indicator_report(YEAR)["indicators"]}
    assert [figures[c]["value"] for c in ("diharapkan", "masuk", "tepat_waktu")] == [7, 5, 3]
    assert (figures["masuk_pct"]["numerator"], figures["masuk_pct"]["denominator"]) == (5, 7)
    assert str(figures["masuk_pct"]["value"]) == "71.43"  # 5 / 7
    assert str(figures["tepat_waktu_pct"]["value"]) == "42.86"  # 3 / 7


def test_the_lists_behind_the_counts_are_the_cooperatives_counted(register):
    names = {c.id: key for key, c in register.items()}

    def listed(code):
        return {names[i] for i in members.member_ids(code, YEAR)}

    assert listed("diharapkan") == {
        "tepat",
        "telat",
        "impor",
        "dua_versi",
        "kembali",
        "draf",
        "diam",
    }
    assert listed("masuk") == {"tepat", "telat", "impor", "dua_versi", "kembali"}
    assert listed("belum_masuk") == {"draf", "diam"}
    assert listed("tepat_waktu") == {"tepat", "dua_versi", "kembali"}


def test_the_sql_rule_and_each_pages_lateness_agree(register):
    """reporting.on_time (SQL, per dialect) and sikomo/lateness.py (Python) on the same reports."""
    on_time = {key for key, c in register.items()
               if db.session.scalar(select(reporting.on_time(2025)).where(Cooperative.id == c.id))}  # fmt: skip
    reports = db.session.scalars(select(Report)).all()
    shown = lateness.of_reports(reports)
    by_key = {}
    for report in reports:
        key = next(k for k, c in register.items() if c.id == report.cooperative_id)
        by_key[key] = shown[report.id]
    assert on_time == {k for k, late in by_key.items() if late.state == "tepat"}
    assert by_key["telat"].text == "terlambat 1 hari"
    assert by_key["tepat"].text == "tepat waktu"
    assert by_key["impor"].state == "tanpa_waktu"
    draft = by_key["draf"]  # due 3 March 2026: late by the days since
    assert draft.due == date(2026, 3, 3) and draft.days == (today() - draft.due).days
    assert draft.text == f"terlambat {draft.days} hari (belum diajukan)"


def test_a_report_due_later_shows_its_due_date(app, make_cooperative, make_report):
    report = make_report(make_cooperative(), today().year, None)
    report.status = ReportStatus.DRAF
    db.session.commit()
    late = lateness.of_report(report)
    assert late.state == "menunggu" and late.text.startswith("batas: 30 Juli")


def test_a_submission_shows_on_the_next_dashboard_view(client, login_as, register):
    """The stored counts of the year are dropped when a report is sent (stale.py)."""
    login_as(Role.DINAS)

    def totals():
        return rendered_context(client, f"/indikator/?tahun={YEAR}")["totals"]

    assert (totals()["masuk"], totals()["tepat_waktu"]) == (5, 3)
    draft = db.session.scalar(select(Report).where(Report.cooperative_id == register["draf"].id))
    sent(draft, moment(date(2026, 3, 3)))  # its due day
    assert (totals()["masuk"], totals()["tepat_waktu"]) == (6, 4)
    set_setting("batas_lapor_hari", 20)  # as the settings page does, with its invalidation
    stale.invalidate(db.session.connection(), stale.YEARS)
    db.session.commit()
    assert totals()["tepat_waktu"] == 1  # due 21 March: only dua_versi's version 1 (20 March)


def test_the_indicator_year_reports_the_previous_tahun_buku(app):
    iy = indicator_year(YEAR)
    assert iy.reported_tahun_buku == iy.assessed_tahun_buku == YEAR - 1
    assert iy.expected_until == date(YEAR - 1, 12, 31)


def test_the_exports_carry_the_reporting_counts(client, login_as, register):
    login_as(Role.DINAS)
    book = load_workbook(io.BytesIO(client.get(f"/indikator/lkjip.xlsx?tahun={YEAR}").data))
    rows = list(book["Pelaporan"].values)
    assert rows[1][:4] == (
        "Kecamatan",
        "Laporan diharapkan",
        "Laporan masuk",
        "Laporan tepat waktu",
    )
    assert rows[2][:4] == ("Mojosari", 4, 4, 2) and rows[3][:4] == ("Sooko", 3, 1, 1)
    assert rows[2][4].startswith("=IF(") and rows[4][0] == "Jumlah"
    values = {row[0]: row for row in book["Nilai"].values}
    assert values["masuk_pct"][2:5] == (5, 7, 71.43)
    kecamatan = load_workbook(
        io.BytesIO(client.get(f"/indikator/ekspor/kecamatan.xlsx?tahun={YEAR}").data)
    ).active
    header, *table = list(kecamatan.values)
    masuk = header.index("Laporan masuk")
    assert {row[0]: row[masuk] for row in table} == {"Mojosari": 4, "Sooko": 1}
    sooko = db.session.scalar(select(Region.id).where(Region.kecamatan == "Sooko"))
    only = client.get(f"/indikator/ekspor/kecamatan.xlsx?tahun={YEAR}&kecamatan={sooko}")
    assert [row[0] for row in list(load_workbook(io.BytesIO(only.data)).active.values)[1:]] == [
        "Sooko"
    ]


def test_each_page_shows_how_late_the_report_came(client, login_as, make_user, register):
    late = db.session.scalar(select(Report).where(Report.cooperative_id == register["telat"].id))
    login_as(Role.DINAS)
    assert "terlambat 1 hari" in client.get(f"/koperasi/{register['telat'].id}").get_data(True)
    assert "tepat waktu" in client.get(f"/koperasi/{register['tepat'].id}").get_data(True)
    assert "terlambat 1 hari" in client.get(f"/penilaian/laporan/{late.id}").get_data(True)
    queue = client.get("/penilaian/?status=semua").get_data(True)
    assert "Laporan terlambat 1 hari" in queue and "Laporan tepat waktu" in queue
    as_user(client, make_user(Role.PENGURUS, "pengurus@contoh.test", register["telat"]))
    assert "terlambat 1 hari" in client.get("/laporan/").get_data(True)
