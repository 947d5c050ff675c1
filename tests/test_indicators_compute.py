"""Each indicator on a small hand-built register, for indicator year 2026 (RATs held in 2026)."""

from datetime import date

import pytest

from sikomo.extensions import db
from sikomo.indicators.compute import group_counts
from sikomo.indicators.operations import breakdown, indicator_report, set_pdrb
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Jenis,
    Method,
    Predikat,
    Report,
    ReportStatus,
)
from sikomo.settings import set_setting


def assess(report, predikat, status=AssessmentStatus.APPROVED):
    db.session.add(
        Assessment(
            report=report,
            method=Method.PERMENKOP_9_2020,
            ruleset_id="permenkop_9_2020",
            ruleset_version="1",
            ruleset_hash="x",
            predikat=predikat,
            status=status,
        )
    )
    db.session.commit()


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    """Seven cooperatives in two kecamatan; see each line for what it exercises."""
    a, b = make_region("Mojosari"), make_region("Sooko")

    def report(coop, tahun, rat, volume, lalu, **extra):
        return make_report(coop, tahun, rat, volume_usaha=volume, volume_usaha_lalu=lalu, **extra)

    # RAT 2025 and 2026, grew, approved sehat; a corrected version 2 replaces version 1's volume.
    ksp = make_cooperative("KSP Tumbuh", a)
    report(ksp, 2024, "2025-03-01", 100, 80)
    report(ksp, 2025, "2026-03-01", 120, 100)
    v2 = Report(cooperative_id=ksp.id, tahun_buku=2025, version=2, status=ReportStatus.DISETUJUI,
                data={"tanggal_rat": "2026-03-01", "volume_usaha": 130, "volume_usaha_lalu": 100})  # fmt: skip
    db.session.add(v2)
    db.session.commit()
    assess(v2, Predikat.SEHAT)
    # aktif but shrank; its assessment was returned, never approved: not dinilai, not sehat.
    returned = make_cooperative("KSP Dikembalikan", a)
    report(returned, 2024, "2025-04-01", 100, 90)
    assess(
        report(returned, 2025, "2026-04-01", 90, 100), Predikat.SEHAT, AssessmentStatus.PROVISIONAL
    )
    # a multi-purpose cooperative with a USP: RAT only in 2026 (not aktif at window 2), grew.
    usp = make_cooperative("KSU Baru RAT", b, jenis=Jenis.SERBA_USAHA, simpan_pinjam=True)
    assess(report(usp, 2025, "2026-05-01", 200, 100), Predikat.DALAM_PENGAWASAN)
    # no RAT held: its report's volume must not count.
    norat = make_cooperative("Koperasi Tanpa RAT", b, jenis=Jenis.KONSUMEN)
    report(norat, 2025, None, 999, 1)
    # founded in 2026: koperasi baru, no reports yet.
    make_cooperative("KDKMP Desa", b, jenis=Jenis.KDKMP, tanggal_badan_hukum=date(2026, 2, 1))
    # RAT three years running, grew.
    steady = make_cooperative("Koperasi Rutin", a, jenis=Jenis.KONSUMEN)
    report(steady, 2023, "2024-02-01", 30, 20)
    report(steady, 2024, "2025-02-01", 40, 30)
    report(steady, 2025, "2026-02-01", 50, 40)
    # founded after the year: not on the register for 2026.
    make_cooperative(
        "Koperasi Masa Depan", b, jenis=Jenis.JASA, tanggal_badan_hukum=date(2027, 1, 5)
    )
    # a draft with a RAT date does not count.
    draft = make_cooperative(
        "Koperasi Draf", b, jenis=Jenis.JASA, tanggal_badan_hukum=date(2000, 1, 1)
    )
    db.session.add(Report(cooperative_id=draft.id, tahun_buku=2025, status=ReportStatus.DRAF,
                          data={"tanggal_rat": "2026-01-10", "volume_usaha": 5}))  # fmt: skip
    db.session.commit()
    set_pdrb("test", 2025, 47_000)  # 2026 not published: the 2025 figure is used


def by_code(report):
    return {i["code"]: i for i in report["indicators"]}


# code, numerator, denominator, value (window 2)
EXPECTED = [
    ("binaan", 7, None, 7),
    ("aktif", 3, None, 3),
    ("aktif_pct", 3, 7, "42.86"),
    ("berkualitas", 3, None, 3),
    ("berkualitas_pct", 3, 3, "100.00"),
    ("ksp_usp", 3, None, 3),
    ("sehat", 1, None, 1),
    ("sehat_pct", 1, 3, "33.33"),
    ("dinilai_pct", 2, 3, "66.67"),
    ("sehat_berkualitas", 1, None, 1),
    ("sehat_berkualitas_pct", 1, 3, "33.33"),
    ("koperasi_baru", 1, None, 1),
    ("pertumbuhan_koperasi_pct", 1, 7, "14.29"),
    ("volume_usaha", 470, None, 470),
    ("volume_usaha_pdrb_pct", 470, 47_000, "1.00"),
    ("pertumbuhan_volume_usaha_pct", 470 - 240, 240, "95.83"),
]


@pytest.mark.parametrize(("code", "numerator", "denominator", "value"), EXPECTED)
def test_each_indicator_counts_what_its_definition_says(
    register, code, numerator, denominator, value
):
    item = by_code(indicator_report(2026))[code]
    assert (item["numerator"], item["denominator"]) == (numerator, denominator)
    assert str(item["value"]) == str(value)


@pytest.mark.parametrize(("window", "aktif"), [(1, 4), (2, 3), (3, 1)])
def test_the_aktif_window_is_a_setting(register, window, aktif):
    set_setting("aktif_window", window)
    db.session.commit()
    assert by_code(indicator_report(2026))["aktif"]["numerator"] == aktif


def test_the_growth_criterion_is_a_setting(register):
    set_setting("berkualitas_criterion", "total_aset")
    db.session.commit()
    assert by_code(indicator_report(2026))["berkualitas"]["numerator"] == 0  # no aset reported


def test_year_2025_counts_rats_held_in_2025(register):
    figures = by_code(indicator_report(2025))
    assert figures["aktif"]["numerator"] == 1  # only the steady one held RAT in 2024 too
    assert figures["volume_usaha"]["numerator"] == 240
    assert figures["dinilai_pct"]["numerator"] == 0  # nothing assessed for tahun buku 2024


@pytest.mark.parametrize("by", ["kecamatan", "jenis"])
def test_breakdown_rows_sum_to_the_totals(register, by):
    report = indicator_report(2026, by)
    for position, total in enumerate(report["indicators"]):
        for part in ("numerator", "denominator"):
            if total[part] is None or total["code"] == "volume_usaha_pdrb_pct":
                continue
            assert sum(g[position][part] for g in report["by"].values()) == total[part]
    table = breakdown(group_counts(2026).to_dict("records"), by)
    assert sum(row["binaan"] for row in table) == 7


def test_kecamatan_breakdown_lists_every_kecamatan(register):
    report = indicator_report(2026, "kecamatan")
    assert list(report["by"]) == ["Mojosari", "Sooko"]
    mojosari = {i["code"]: i for i in report["by"]["Mojosari"]}
    assert mojosari["aktif_pct"]["numerator"] == 3 and mojosari["aktif_pct"]["denominator"] == 3


def test_an_empty_database_gives_not_computable_percentages(app):
    figures = by_code(indicator_report(2026))
    assert figures["binaan"]["value"] == 0
    assert figures["aktif_pct"]["value"] is None
    assert figures["volume_usaha_pdrb_pct"]["value"] is None


def test_versions_count_as_before_when_a_correction_moves_the_rat(make_region, make_cooperative):
    """The newest counted version whose RAT falls in the years looked at counts, flagged or not."""
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    versions = [("2026-03-01", 100), ("2027-02-01", 150)]  # version 2 moves the RAT to 2027
    for version, (rat, volume) in enumerate(versions, start=1):
        db.session.add(Report(cooperative_id=coop.id, tahun_buku=2025, version=version,
                              status=ReportStatus.DISETUJUI,
                              data={"tanggal_rat": rat, "volume_usaha": volume}))  # fmt: skip
    db.session.commit()
    assert by_code(indicator_report(2026))["volume_usaha"]["numerator"] == 100
    assert by_code(indicator_report(2027))["volume_usaha"]["numerator"] == 150
