"""report.counted_latest stays right through every path that creates or decides report versions."""

import pytest
from sqlalchemy import select

from sikomo.extensions import db
from sikomo.models import Report, ReportStatus, Role, User, refresh_counted_latest
from sikomo.reports import operations as reports
from sikomo.reports.importer import import_file
from sikomo.review import operations as review
from tests.test_report_files import good_rows


@pytest.fixture
def pengawas(make_user):
    return make_user(Role.PENGAWAS)


def flags(cooperative_id, tahun_buku=2025) -> list[tuple[int, ReportStatus, bool]]:
    """(version, status, counted_latest) as stored, oldest version first."""
    rows = db.session.execute(
        select(Report.version, Report.status, Report.counted_latest)
        .where(Report.cooperative_id == cooperative_id, Report.tahun_buku == tahun_buku)
        .order_by(Report.version)
    )
    return [tuple(r) for r in rows]


def stored_matches_a_full_recompute() -> None:
    before = dict(db.session.execute(select(Report.id, Report.counted_latest)).all())
    refresh_counted_latest(db.session.connection())
    after = dict(db.session.execute(select(Report.id, Report.counted_latest)).all())
    db.session.rollback()
    assert before == after


def test_the_flag_follows_a_report_through_its_versions(pengawas, make_cooperative, make_submitted):
    coop = make_cooperative()
    actor = db.session.get(User, pengawas.id)
    draft = reports.start(actor, coop, 2026)
    assert flags(coop.id, 2026) == [(1, ReportStatus.DRAF, False)]  # a draft never counts
    assert draft.counted_latest is False

    first = make_submitted(coop, 2025)
    assert flags(coop.id) == [(1, ReportStatus.DIAJUKAN, True)]
    review.decide(pengawas, first, review.Decision(review.KEMBALIKAN, first.version_id,
                                                   note="Berita acara RAT belum lengkap."))  # fmt: skip
    assert flags(coop.id) == [(1, ReportStatus.DIKEMBALIKAN, False)]

    second = reports.reopen(actor, first)
    assert flags(coop.id) == [(1, ReportStatus.DIKEMBALIKAN, False), (2, ReportStatus.DRAF, False)]
    second.status = ReportStatus.DIAJUKAN  # as reports.submit leaves it
    db.session.commit()
    assert second.counted_latest is True  # the object in the session sees the stored value
    review.decide(pengawas, second, review.Decision(review.SETUJUI, second.version_id))
    assert flags(coop.id)[-1] == (2, ReportStatus.DISETUJUI, True)

    correction = reports.reopen(actor, second)  # approved, corrected in a new draft
    assert flags(coop.id) == [
        (1, ReportStatus.DIKEMBALIKAN, False),
        (2, ReportStatus.DISETUJUI, True),  # still counts until the correction is submitted
        (3, ReportStatus.DRAF, False),
    ]
    correction.status = ReportStatus.DIAJUKAN
    db.session.commit()
    assert [f[2] for f in flags(coop.id)] == [False, False, True]
    db.session.delete(correction)
    db.session.commit()
    assert [f[2] for f in flags(coop.id)] == [False, True]
    stored_matches_a_full_recompute()


def test_a_bulk_import_flags_the_imported_versions(login_as, make_cooperative, make_report):
    actor = login_as(Role.DINAS)
    coops = [make_cooperative(f"KSP {i}", nik=f"35160000000001{i:02d}") for i in range(3)]
    approved = make_report(coops[0], 2025)  # approved, with a correction draft: the import adds v3
    reports.reopen(actor, approved)
    assert [f[2] for f in flags(coops[0].id)] == [True, False]
    content = good_rows(coops).to_csv(index=False).encode()
    result = import_file(actor, content, "laporan.csv")
    assert result.created == 3 and not result.errors
    assert flags(coops[0].id) == [
        (1, ReportStatus.DISETUJUI, False),
        (2, ReportStatus.DRAF, False),
        (3, ReportStatus.DIAJUKAN, True),
    ]
    assert [flags(c.id) for c in coops[1:]] == [[(1, ReportStatus.DIAJUKAN, True)]] * 2
    stored_matches_a_full_recompute()


def test_a_flush_updates_loaded_versions_of_the_touched_keys_only(make_cooperative, make_submitted):
    coop, other = make_cooperative(), make_cooperative("KSP Lain")
    older = make_submitted(coop, 2025)
    untouched = make_submitted(other, 2025)
    db.session.expire_all()
    older = db.session.get(Report, older.id)  # loaded in this transaction
    untouched = db.session.get(Report, untouched.id)
    assert older.counted_latest is True and untouched.counted_latest is True
    newer = Report(cooperative_id=coop.id, tahun_buku=2025, version=2,
                   status=ReportStatus.DIAJUKAN, data=dict(older.data))  # fmt: skip
    db.session.add(newer)
    db.session.flush()
    state = db.inspect(older)
    assert "counted_latest" not in state.expired_attributes
    assert older.counted_latest is False and newer.counted_latest is True  # without a reload
    assert untouched.counted_latest is True
    newer.status = ReportStatus.DRAF  # a flush later in the same transaction, on the new object
    db.session.flush()
    assert older.counted_latest is True and newer.counted_latest is False
    db.session.commit()
    stored_matches_a_full_recompute()
