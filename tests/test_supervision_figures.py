"""Each report version's line items as a float64 vector: written with the report, filled from
its JSON when a read finds it missing or of another layout, and read back as the same numbers."""

import math

import numpy as np
import pytest
from sqlalchemy import select, update

from sikomo.extensions import db
from sikomo.models import Report
from sikomo.supervision import figures, frame
from sikomo.supervision.config import config

M = 1_000_000


def stored(report_id: int) -> tuple[str, dict[str, float]]:
    """(layout, line items) as the report's row holds them."""
    query = select(Report.figures_layout, Report.figures).where(Report.id == report_id)
    code, vector = db.session.execute(query).one()
    names = figures.keys(config())
    return code, dict(zip(names, figures.unpack([vector], len(names))[0], strict=True))


def year_items(cooperative_id: int, year: int) -> dict[str, float]:
    """The line items the frame gives the cooperative's counted report of the year."""
    counted = frame.counted(config(), year, year, [cooperative_id])
    assert counted.cooperative_id.tolist() == [cooperative_id]
    return {key: float(value) for key, value in zip(counted.keys, counted.items[0], strict=True)}


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a
    )


def test_pack_reads_numbers_and_blanks_anything_else():
    vector = figures.pack([12, "34", None, "", True, "banyak", float("inf"), -5.5])
    values = figures.unpack([vector], 8)[0]
    assert values[:2].tolist() == [12.0, 34.0] and values[7] == -5.5
    assert np.isnan(values[2:7]).all()


def test_unpack_gives_a_row_without_a_vector_all_blanks():
    values = figures.unpack([figures.pack([1, 2]), None, figures.pack([3, None])], 2)
    assert values[0].tolist() == [1.0, 2.0] and np.isnan(values[1]).all()
    assert values[2][0] == 3.0 and np.isnan(values[2][1])


def test_a_report_is_written_with_its_vector(make_cooperative, make_report):
    coop = make_cooperative("KSP Vektor")
    report = make_report(coop, 2025, total_aset=900 * M, shu_setelah_pajak=-80 * M)
    code, items = stored(report.id)
    assert code == figures.layout(config())
    assert items["total_aset"] == 900 * M and items["shu_setelah_pajak"] == -80 * M
    assert math.isnan(items["pinjaman_macet"])  # left blank: blank, never 0


def test_changing_the_data_rewrites_the_vector(make_cooperative, make_report):
    coop = make_cooperative("KSP Berubah")
    report = make_report(coop, 2025, total_aset=900 * M)
    report.data = {**report.data, "total_aset": 1200 * M, "pinjaman_macet": 40 * M}
    db.session.commit()
    _, items = stored(report.id)
    assert items["total_aset"] == 1200 * M and items["pinjaman_macet"] == 40 * M


@pytest.mark.parametrize("how", ["missing", "other layout"])
def test_a_read_fills_a_vector_from_the_json_and_stores_it(make_cooperative, make_report, how):
    coop = make_cooperative("KSP Dimuat Massal")
    report = make_report(coop, 2025, total_aset=900 * M, total_ekuitas=270 * M,
                         shu_setelah_pajak=-80 * M, pinjaman_macet="40000000")  # fmt: skip
    written = year_items(coop.id, 2025)
    table = Report.__table__
    if how == "missing":  # as a bulk load without the ORM leaves it
        blank = {"figures": None, "figures_layout": None}
    else:  # as written before rasio.toml changed
        blank = {"figures": figures.pack([1]), "figures_layout": "lama"}
    db.session.execute(update(table).where(table.c.id == report.id).values(**blank))
    db.session.commit()
    before = db.session.scalar(select(Report.updated_at).where(Report.id == report.id))
    assert same(year_items(coop.id, 2025), written)
    code, items = stored(report.id)
    assert code == figures.layout(config()) and same(items, written)
    assert written["pinjaman_macet"] == 40 * M  # a figure sent as text is read as a number
    assert db.session.scalar(select(Report.updated_at).where(Report.id == report.id)) == before


def test_a_report_touched_without_its_data_keeps_its_row_and_version(make_cooperative, make_report):
    """Writing the vector must never turn a flush that changes nothing into an UPDATE: that
    would bump the version a concurrent editor holds."""
    from sqlalchemy.orm.attributes import flag_modified

    coop = make_cooperative("KSP Tak Berubah")
    report = make_report(coop, 2025, total_aset=900 * M)
    version = report.version_id
    report.data = dict(report.data)  # the same data again
    db.session.commit()
    assert report.version_id == version
    report.data["total_aset"] = 1000 * M  # changed in place, then marked
    flag_modified(report, "data")
    db.session.commit()
    assert report.version_id == version + 1 and stored(report.id)[1]["total_aset"] == 1000 * M


def test_refresh_scores_fills_every_missing_vector(app, make_cooperative, make_report):
    coop = make_cooperative("KSP Sesudah Pemutakhiran")
    reports = [make_report(coop, year, total_aset=900 * M) for year in (2024, 2025)]
    table = Report.__table__
    db.session.execute(update(table).values(figures=None, figures_layout=None))
    db.session.commit()
    with app.app_context():
        output = app.test_cli_runner().invoke(args=["refresh-scores"]).output
    assert "diisi untuk 2 versi laporan" in output
    for report in reports:
        code, items = stored(report.id)
        assert code == figures.layout(config()) and items["total_aset"] == 900 * M
    with app.app_context():
        output = app.test_cli_runner().invoke(args=["refresh-scores"]).output
    assert "diisi untuk 0 versi laporan" in output


def test_beyond_the_fill_limit_a_page_computes_the_vectors_without_storing_them(
    make_cooperative, make_report, monkeypatch
):
    coop = make_cooperative("KSP Banyak Laporan")
    report = make_report(coop, 2025, total_aset=900 * M)
    table = Report.__table__
    db.session.execute(update(table).values(figures=None, figures_layout=None))
    db.session.commit()
    monkeypatch.setattr(figures, "FILL_LIMIT", 0)
    assert year_items(coop.id, 2025)["total_aset"] == 900 * M
    assert db.session.scalar(select(Report.figures_layout).where(Report.id == report.id)) is None
