from sikomo.assessments import is_health_scored
from sikomo.edit_rules import PINJAMAN_ITEMS as PINJAMAN_KEYS
from sikomo.edit_rules import balance_problems
from sikomo.extensions import db
from sikomo.indicators.aktif import aktif_ids
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    Region,
    Report,
    ReportStatus,
    User,
)
from sikomo.settings import set_setting


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_seed_demo_is_complete_balanced_and_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "pengurus@sikomo.test" in first.output and "pengurus-demo-123" in first.output
    counts = (count(Region), count(Cooperative), count(Report), count(User))
    assert counts[:2] == (18, 555) and counts[3] == 4
    assert (
        db.session.scalar(db.select(db.func.count()).where(Cooperative.simpan_pinjam.is_(True)))
        == 398
    )
    reports = db.session.scalars(db.select(Report)).all()
    assert {r.tahun_buku for r in reports} == {2023, 2024, 2025}
    for report in reports:
        assert balance_problems(report.data) == [], report.id
        assert balance_problems(report.data, "_lalu") == [], report.id
        assert all(report.data[k] >= 0 for k in PINJAMAN_KEYS)
    assert 400 <= len(aktif_ids()) <= 500  # the district reported 449 of 555
    assessed = {a.report_id for a in db.session.scalars(db.select(Assessment))}
    expected = {
        r.id
        for r in reports
        if r.status == ReportStatus.DISETUJUI and is_health_scored(r.cooperative)
    }
    assert assessed == expected and len(expected) > 900
    runner.invoke(args=["seed-demo"])
    assert (count(Region), count(Cooperative), count(Report), count(User)) == counts
    assert count(Assessment) == len(expected)


def test_seed_assessments_are_the_engines_approved_result(runner):
    runner.invoke(args=["seed-demo"])
    rows = db.session.scalars(db.select(Assessment)).all()
    assert {a.status for a in rows} == {AssessmentStatus.APPROVED}
    assert all(a.predikat == a.engine_predikat and a.decided_by is not None for a in rows)
    assert all(a.result["ruleset_hash"] == a.ruleset_hash for a in rows)
    numbers = [a.certificate_number for a in rows]
    assert all(n and n.startswith("SKK/") for n in numbers) and len(set(numbers)) == len(numbers)
    assert len({a.predikat for a in rows}) >= 3  # the demo spreads over the predikat


def test_seed_lalu_twins_equal_the_prior_year(runner):
    runner.invoke(args=["seed-demo"])
    coop = db.session.scalar(db.select(Cooperative).order_by(Cooperative.id))
    by_year = {r.tahun_buku: r.data for r in coop.reports}
    assert by_year[2025]["total_aset_lalu"] == by_year[2024]["total_aset"]
    assert by_year[2024]["volume_usaha_lalu"] == by_year[2023]["volume_usaha"]


def test_aktif_needs_rat_held_in_every_year_of_the_window(make_cooperative, make_report):
    steady = make_cooperative("KSP Rutin")
    lapsed = make_cooperative("KSP Absen")
    for tahun in (2023, 2024, 2025):
        make_report(steady, tahun, f"{tahun + 1}-03-01")
    make_report(lapsed, 2023, "2024-03-01")
    make_report(lapsed, 2024, "2025-03-01")
    make_report(lapsed, 2025, None)
    assert aktif_ids() == {steady.id}  # judged as of 2026, the latest year a RAT was held
    assert aktif_ids(year=2025) == {steady.id, lapsed.id}
    set_setting("aktif_window", 3)
    db.session.commit()
    assert aktif_ids(year=2026) == {steady.id}
    assert aktif_ids(year=2025) == set()  # no RAT held in 2023
    assert aktif_ids(year=2026, window=1) == {steady.id}


def test_drafts_and_returned_reports_do_not_count_as_rat_held(make_cooperative, make_report):
    coop = make_cooperative()
    for tahun in (2024, 2025):
        report = make_report(coop, tahun, f"{tahun + 1}-03-01")
    report.status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    assert aktif_ids(year=2026) == set()
    report.status = ReportStatus.DIAJUKAN
    db.session.commit()
    assert aktif_ids(year=2026) == {coop.id}


def test_every_page_says_so_while_the_demo_accounts_can_sign_in(client, runner):
    assert "Situs demo" not in client.get("/login").get_data(as_text=True)
    runner.invoke(args=["seed-demo"])
    for path in ("/login", "/publik/"):
        assert "Situs demo" in client.get(path).get_data(as_text=True), path
    for user in db.session.scalars(db.select(User).where(User.email.like("%@sikomo.test"))):
        user.active = False
    db.session.commit()
    assert "Situs demo" not in client.get("/login").get_data(as_text=True)
