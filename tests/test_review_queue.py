"""The review queue: risk flags, risk order, filters and a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

import scoring
from sikomo.extensions import db
from sikomo.models import Jenis, Predikat, ReportStatus
from sikomo.review.queue import QueueFilters, build_queue, paginate


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
    assert names(build_queue(QueueFilters())) == [
        "Turun",
        "Rasio",
        "Peringatan",
        "Sementara",
        "Aman",
    ]


def test_a_large_change_of_a_key_ratio_is_measured_against_last_year(queue):
    row = next(r for r in build_queue(QueueFilters()) if r.report is queue["Rasio"])
    assert set(row.ratio_changes) == {"roa"} and row.ratio_changes["roa"] < -10


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"flag": "peringatan"}, ["Peringatan"]),
        ({"flag": "turun"}, ["Turun"]),
        ({"predikat": Predikat.CUKUP_SEHAT}, ["Turun"]),
        ({"jenis": Jenis.USP}, ["Sementara"]),
        ({"status": ReportStatus.DIKEMBALIKAN}, ["Aman"]),
        ({"status": ReportStatus.DISETUJUI, "tahun": 2024}, ["Aman", "Rasio", "Turun"]),
        ({"tahun": 2023}, []),
    ],
)
def test_the_queue_filters_narrow_the_list(queue, filters, expected):
    queue["Aman"].status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    assert sorted(names(build_queue(QueueFilters(**filters)))) == expected


def test_the_queue_filters_by_kecamatan(queue):
    region_id = queue["Turun"].cooperative.region_id
    assert names(build_queue(QueueFilters(region_id=region_id))) == ["Turun"]


def test_the_queue_is_paginated(queue):
    page = paginate(build_queue(QueueFilters()), 2, 2)
    assert names(page.items) == ["Peringatan", "Sementara"]
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
