"""The review queue: risk flags, risk order, filters and a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, update

import scoring
from sikomo.extensions import db
from sikomo.format import WIB, angka
from sikomo.models import Jenis, Predikat, Report, ReportStatus, Role
from sikomo.review import operations as ops
from sikomo.review import scores
from sikomo.review.operations import live_result
from sikomo.review.queue import (
    FLAGS,
    QUEUE_STATUSES,
    QueueFilters,
    build_queue,
    joined_query,
    queue_page,
    scored_query,
)
from sikomo.review.values import PREDIKAT_RANK
from sikomo.settings import set_setting
from tests.decisions import decide


def tata_kelola_no() -> dict[str, bool]:
    """Every item 'ya' except the tata kelola ones: the sample then scores cukup sehat."""
    ruleset = scoring.builtin_rulesets()["permenkop_9_2020"]
    codes = (i.code for ind in ruleset.indicators if ind.enabled for i in ind.items)
    return {code: not code.startswith("tk.") for code in codes}


@pytest.fixture
def queue(make_cooperative, make_region, make_submitted, make_approved):
    """Five submitted reports, each with one kind of risk; returns them by name."""
    make_region()  # the default region of make_cooperative
    trowulan = make_region("Trowulan")
    coops = {
        name: make_cooperative(f"Koperasi {name}", nik=f"35160000000000{i:02d}", **extra)
        for i, (name, extra) in enumerate(
            [
                ("Aman", {}),
                ("Peringatan", {}),
                ("Turun", {"region": trowulan}),
                ("Sementara", {"jenis": Jenis.USP}),
                ("Rasio", {}),
            ]
        )
    }
    for name in ("Aman", "Turun"):
        make_approved(coops[name], 2024)
    make_approved(coops["Rasio"], 2024, shu_setelah_pajak=1_400_000_000)
    reports = {
        "Aman": make_submitted(coops["Aman"]),
        "Peringatan": make_submitted(
            coops["Peringatan"], _peringatan={"NR01": "Neraca selisih Rp 1"}
        ),
        "Turun": make_submitted(coops["Turun"], answers=tata_kelola_no()),
        "Sementara": make_submitted(coops["Sementara"], answers={}),
        "Rasio": make_submitted(coops["Rasio"]),
    }
    start = datetime(2026, 4, 1, tzinfo=UTC)
    for i, report in enumerate(reports.values()):
        report.submitted_at = start + timedelta(days=i)
    db.session.commit()
    return reports


def names(rows) -> list[str]:
    return [row.report.cooperative.nama.removeprefix("Koperasi ") for row in rows]


def test_each_report_carries_the_flags_of_its_risk(queue):
    rows = build_queue(QueueFilters())
    flags = {name: [f.code for f in row.flags] for name, row in zip(names(rows), rows, strict=True)}
    assert flags == {
        "Aman": [],
        "Peringatan": ["peringatan"],
        "Turun": ["turun"],
        "Sementara": ["sementara"],
        "Rasio": ["rasio"],
    }


def test_the_queue_is_ordered_by_risk_then_by_waiting_time(queue):
    # Sementara: its flag (2) + the lower end of its range, dalam pengawasan (2), above Rasio (3).
    assert names(build_queue(QueueFilters())) == [
        "Turun",
        "Sementara",
        "Rasio",
        "Peringatan",
        "Aman",
    ]


def test_a_large_change_of_a_key_ratio_is_measured_against_last_year(queue):
    row = next(r for r in build_queue(QueueFilters()) if r.report is queue["Rasio"])
    assert set(row.ratio_changes) == {"roa"} and row.ratio_changes["roa"] < -10


FILTERED = pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Peringatan", "Rasio", "Sementara", "Turun"]),
        (
            {"status": None},
            ["Aman", "Aman", "Peringatan", "Rasio", "Rasio", "Sementara", "Turun", "Turun"],
        ),  # fmt: skip
        ({"flag": "peringatan"}, ["Peringatan"]),
        ({"flag": "turun"}, ["Turun"]),
        ({"predikat": Predikat.CUKUP_SEHAT}, ["Sementara", "Turun"]),  # within Sementara's range
        ({"predikat": Predikat.DALAM_PENGAWASAN_KHUSUS}, []),
        ({"jenis": Jenis.USP}, ["Sementara"]),
        ({"status": ReportStatus.DIKEMBALIKAN}, ["Aman"]),
        ({"status": ReportStatus.DISETUJUI, "tahun": 2024}, ["Aman", "Rasio", "Turun"]),
        ({"tahun": 2023}, []),
        ({"q": "peringatan"}, ["Peringatan"]),  # part of the name, any case
        ({"q": "KOPERASI TUR"}, ["Turun"]),
        ({"q": "3516000000000001"}, ["Peringatan"]),  # a NIK
        ({"q": "35160000000000"}, ["Peringatan", "Rasio", "Sementara", "Turun"]),  # its start
        ({"q": "0000000001"}, []),  # a NIK matches from its start only
        ({"q": "%"}, []),  # wildcards typed match themselves
        ({"q": "Koperasi_Aman"}, []),
        ({"resubmitted": True}, []),  # every report of the fixture is a first version
    ],
)


@FILTERED
def test_the_queue_filters_narrow_the_list(queue, filters, expected):
    queue["Aman"].status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    assert sorted(names(build_queue(QueueFilters(**filters)))) == expected


@FILTERED
def test_the_stored_columns_select_and_order_as_the_reports_do(queue, filters, expected):
    """Once every row is stored the queue reads them alone (scored_query): the same reports, in
    the same order, as joining each report to its row (joined_query)."""
    queue["Aman"].status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    build_queue(QueueFilters(status=None))  # stores every row
    assert scores.stored_count(QUEUE_STATUSES) is not None
    chosen = QueueFilters(**filters)
    stored = db.session.scalars(scored_query(chosen)).all()
    assert stored == db.session.scalars(joined_query(chosen)).all() and len(stored) == len(expected)


def test_the_queue_filters_by_kecamatan(queue):
    region_id = queue["Turun"].cooperative.region_id
    assert names(build_queue(QueueFilters(region_id=region_id))) == ["Turun"]


def test_the_queue_is_paginated(queue):
    for _ in ("rows computed on the way", "rows read back"):
        page = queue_page(QueueFilters(), 2, 2)
        assert names(page.items) == ["Rasio", "Peringatan"]
        assert (page.pages, page.has_prev, page.has_next) == (3, True, True)


def count_queries(filters: QueueFilters) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        build_queue(filters)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_queue_needs_the_same_number_of_queries_for_more_reports(
    queue, make_cooperative, make_submitted
):
    few = count_queries(QueueFilters())
    for i in range(4):
        make_submitted(make_cooperative(f"Koperasi Tambahan {i}"))
    assert count_queries(QueueFilters()) == few


# --- Provisional results: the range, never the upper end alone (decisions.md 8) ------------------
JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."


def engine_range(report) -> str:
    result = live_result(report)
    assert result.provisional and result.predikat is None
    return f"{angka(result.total_min, 2)}–{angka(result.total_max, 2)}"


def test_a_provisional_report_is_weighed_by_the_lower_end_of_its_range(
    make_cooperative, make_submitted
):
    warned = make_submitted(make_cooperative("Koperasi Peringatan"), _peringatan={"NR01": "x"})
    blank = make_submitted(make_cooperative("Koperasi Kosong"), answers={})
    warned.submitted_at = datetime(2026, 4, 1, tzinfo=UTC)  # waited longer: first on equal risk
    blank.submitted_at = datetime(2026, 4, 2, tzinfo=UTC)
    db.session.commit()
    rows = {row.report.id: row for row in build_queue(QueueFilters())}
    low = live_result(blank).predikat_min
    assert low == "dalam_pengawasan" and live_result(blank).predikat_max == "sehat"
    assert rows[blank.id].risk == FLAGS["sementara"].weight + PREDIKAT_RANK[Predikat(low)]
    assert rows[warned.id].risk == FLAGS["peringatan"].weight  # complete, sehat
    assert names(build_queue(QueueFilters())) == ["Kosong", "Peringatan"]


def test_the_queue_page_shows_a_provisional_score_as_its_range_with_both_predikat(
    client, login_as, make_submitted
):
    report = make_submitted(answers={})
    login_as(Role.PENGAWAS)
    body = client.get("/penilaian/").get_data(as_text=True)
    row = body[body.index("KSP Sejahtera") : body.index("</tr>", body.index("KSP Sejahtera"))]
    upper = angka(live_result(report).total_max, 2)
    assert "Sementara" in row and engine_range(report) in row
    assert "Dalam Pengawasan" in row and "Sehat</span>" in row and "antara" in row
    assert f">{upper}<" not in row  # never the upper end alone


def test_an_adjusted_approval_of_a_provisional_result_shows_the_engines_range(
    client, login_as, make_submitted
):
    report = make_submitted(answers={})
    expected = engine_range(report)
    pengawas = login_as(Role.PENGAWAS)
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    decide(pengawas, report, decision)
    row = build_queue(QueueFilters(status=ReportStatus.DISETUJUI))[0]
    assert row.predikat == "cukup_sehat" and row.engine.provisional
    assert row.risk == PREDIKAT_RANK[Predikat.CUKUP_SEHAT] + FLAGS["sementara"].weight
    body = client.get("/penilaian/?status=disetujui").get_data(as_text=True)
    assert "Cukup Sehat" in body and expected in body and JUSTIFICATION[:40] in body
    assert "mesin: sementara Dalam Pengawasan–Sehat" in body


def test_a_provisional_row_stored_before_ranges_existed_is_not_shown_as_its_predikat(
    client, login_as, make_approved
):
    row = make_approved(tahun_buku=2025)
    row.result = {"provisional": True, "total": 81.3, "predikat": "sehat", "indicators": []}
    row.total_score, row.engine_predikat = Decimal("81.30"), Predikat.SEHAT  # as stored then
    db.session.commit()
    [queued] = build_queue(QueueFilters(status=ReportStatus.DISETUJUI))
    assert queued.engine.provisional and not queued.engine.has_range
    login_as(Role.PENGAWAS)
    response = client.get("/penilaian/?status=disetujui")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "81,30" not in body and "Sementara" in body


def test_overdue_lists_the_diajukan_reports_waiting_longer_than_the_setting(
    queue, client, login_as
):
    """batas_tunggu_hari (30): the fixture's reports were submitted in April; one comes in now."""
    queue["Aman"].submitted_at = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()
    late = ["Peringatan", "Rasio", "Sementara", "Turun"]
    assert sorted(names(build_queue(QueueFilters(overdue=True)))) == late
    build_queue(QueueFilters(status=None))  # every row stored: the stored columns agree
    stored = db.session.scalars(scored_query(QueueFilters(overdue=True))).all()
    assert stored == db.session.scalars(joined_query(QueueFilters(overdue=True))).all()
    assert len(stored) == len(late)
    set_setting("batas_tunggu_hari", 400)
    db.session.commit()
    assert build_queue(QueueFilters(overdue=True)) == []
    set_setting("batas_tunggu_hari", 30)
    db.session.commit()
    login_as(Role.PENGAWAS)
    body = client.get("/penilaian/?lama=1&q=koperasi").get_data(as_text=True)
    assert "4 laporan." in body and "Terlambat ditinjau" in body and "Koperasi Aman" not in body
    waited = (datetime.now(WIB).date() - date(2026, 4, 2)).days  # Peringatan, in on 2 April
    assert f'menunggu <span class="days">{waited}</span> hari' in body


def test_a_report_without_a_submission_time_waits_since_it_was_last_changed(queue):
    """An old import left submitted_at empty: the queue's waiting time falls back to updated_at
    (as the stored rows and the days shown do), so the overdue filter and the worklist agree."""
    for report in queue.values():
        report.submitted_at = datetime.now(UTC)
    db.session.commit()
    old = queue["Aman"]
    db.session.execute(
        update(Report).where(Report.id == old.id)
        .values(submitted_at=None, updated_at=datetime.now(UTC) - timedelta(days=90))
    )  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    assert names(build_queue(QueueFilters(overdue=True))) == ["Aman"]  # computed and joined
    stored = db.session.scalars(scored_query(QueueFilters(overdue=True))).all()
    assert stored == db.session.scalars(joined_query(QueueFilters(overdue=True))).all() == [old.id]
    [row] = build_queue(QueueFilters(overdue=True))
    assert row.waiting_days(datetime.now(WIB).date()) >= 89


def sort_key(row, key: str, reverse: bool):
    """What each sort orders by, computed here from the rows themselves (not the stored columns):
    the column in its direction, the unscored last either way, ties by report id."""
    engine = row.engine
    score = None if engine is None else engine.total if engine.complete else engine.total_min
    sign = -1 if reverse else 1
    primary = {
        "tunggu": sign * row.report.submitted_at.timestamp(),
        "skor": (score is None, sign * (score or 0)),
        "nama": [sign * ord(ch) for ch in row.report.cooperative.nama],
    }[key]
    return (primary, row.report.id)


@pytest.mark.parametrize("key", ["tunggu", "skor", "nama"])
@pytest.mark.parametrize("reverse", [False, True])
def test_each_sortable_column_orders_every_page_both_ways(queue, key, reverse):
    rows = build_queue(QueueFilters())
    expected = sorted(rows, key=lambda r: sort_key(r, key, reverse))
    filters = QueueFilters(sort=("-" if reverse else "") + key)
    scores.refresh([r.report.id for r in rows])
    stored = db.session.scalars(scored_query(filters)).all()
    assert stored == [r.report.id for r in expected]
    assert db.session.scalars(joined_query(filters)).all() == stored
    paged = [r.report.id for n in (1, 2, 3) for r in queue_page(filters, n, 2).items]
    assert paged == stored  # pages of two, in order, none repeated


def test_the_sort_is_read_from_the_url_and_shown_on_the_header(client, login_as, queue):
    login_as(Role.PENGAWAS)
    body = client.get("/penilaian/?urut=-nama").get_data(as_text=True)
    assert 'aria-sort="descending"' in body and "Nama koperasi Z–A" in body
    assert body.index("Koperasi Turun") < body.index("Koperasi Aman")
    assert "urut=nama" in body.replace("&amp;", "&")  # the header link turns it back
    fallback = client.get("/penilaian/?urut=hapus").get_data(as_text=True)
    assert "Diurutkan menurut risiko" in fallback
