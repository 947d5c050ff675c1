"""The engine runs once per report version: stored rows, reused by the queue and the review page,
dropped when anything they were computed from changes."""

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

import scoring
from sikomo.assessments import new_assessment, run_engine
from sikomo.extensions import db
from sikomo.models import (
    AssessmentStatus,
    Predikat,
    Report,
    ReportResult,
    ReportScore,
    ReportStatus,
    Review,
    Role,
    User,
)
from sikomo.review import operations as ops
from sikomo.review import scores
from sikomo.review.queue import QueueFilters, build_queue, queue_page
from sikomo.review.rows import previous_assessments, queue_row


@pytest.fixture
def engine_runs(monkeypatch):
    """Counts scoring.assess calls made through the app."""
    calls = []
    real = scoring.assess

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "assess", counted)
    return calls


def stored(report) -> SimpleNamespace | None:
    """The report's stored row, both halves (ReportScore and ReportResult) as one."""
    db.session.expire_all()
    score, result = db.session.get(ReportScore, report.id), db.session.get(ReportResult, report.id)
    assert (score is None) == (result is None)  # written and dropped together
    if score is None:
        return None
    columns = [*ReportScore.__table__.c.keys(), "summary", "result"]
    return SimpleNamespace(
        **{c: getattr(score if hasattr(score, c) else result, c) for c in columns}
    )


def test_the_queue_scores_each_report_once_then_reads_the_stored_rows(make_submitted, engine_runs):
    reports = [make_submitted(tahun_buku=year) for year in (2023, 2024, 2025)]
    first = build_queue(QueueFilters())
    assert len(engine_runs) == len(reports) == len(first)
    again = build_queue(QueueFilters())
    assert len(engine_runs) == len(reports)  # nothing recomputed
    assert [r.to_summary() for r in again] == [r.to_summary() for r in first]


def test_a_stored_row_equals_a_fresh_computation(make_submitted, make_approved, engine_runs):
    coop = make_approved(tahun_buku=2024, predikat=Predikat.SEHAT).report.cooperative
    make_submitted(coop, 2025, answers={})  # provisional, compared with last year
    make_submitted(tahun_buku=2025)
    for row in build_queue(QueueFilters(status=None)):
        report = row.report
        previous = previous_assessments([report]).get(
            (report.cooperative_id, report.tahun_buku - 1)
        )
        assert row.to_summary() == queue_row(report, previous).to_summary()


def test_the_review_page_reuses_the_stored_result(client, login_as, make_submitted, engine_runs):
    report = make_submitted()
    login_as(Role.PENGAWAS)
    assert client.get("/penilaian/").status_code == 200
    runs = len(engine_runs)
    response = client.get(f"/penilaian/laporan/{report.id}")
    assert response.status_code == 200 and "92,19" in response.get_data(as_text=True)
    assert len(engine_runs) == runs  # the page read the stored result
    assert stored(report).result["total"] == 92.19


def test_a_review_page_opened_first_stores_its_result_for_the_queue(
    client, login_as, make_submitted, engine_runs
):
    report = make_submitted()
    login_as(Role.PENGAWAS)
    assert client.get(f"/penilaian/laporan/{report.id}").status_code == 200
    assert stored(report) is not None and len(engine_runs) == 1
    assert client.get("/penilaian/").status_code == 200
    assert len(engine_runs) == 1


def test_a_correction_drops_the_row_and_the_queue_shows_the_new_score(
    login_as, make_submitted, engine_runs
):
    report = make_submitted()
    [before] = build_queue(QueueFilters())
    assert before.engine.total == 92.19
    pengawas = login_as(Role.PENGAWAS)
    no = {code: False for code in ops.item_codes(report) if code.startswith("tk.")}
    notes = dict.fromkeys(no, "Tidak sesuai notulen RAT")
    ops.correct_answers(pengawas, report, no, report.version_id, notes)
    assert stored(report) is None
    [after] = build_queue(QueueFilters())
    assert after.engine.total == 69.69 and after.engine.total == ops.live_result(report).total


def test_a_new_decision_on_last_years_report_drops_this_years_row(make_submitted, make_approved):
    last_year = make_approved(tahun_buku=2024, predikat=Predikat.SEHAT)
    report = make_submitted(last_year.report.cooperative, 2025)
    build_queue(QueueFilters())
    assert stored(report) is not None
    again = new_assessment(
        last_year.report, run_engine(last_year.report), AssessmentStatus.APPROVED
    )
    again.predikat = Predikat.DALAM_PENGAWASAN_KHUSUS
    db.session.add(again)
    db.session.commit()
    assert stored(report) is None
    [row] = build_queue(QueueFilters())
    assert row.previous_predikat == "dalam_pengawasan_khusus"


def test_an_approval_moves_the_report_and_keeps_the_queue_right(
    login_as, make_submitted, engine_runs
):
    report = make_submitted()
    build_queue(QueueFilters())
    pengawas = login_as(Role.PENGAWAS)
    ops.decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    assert build_queue(QueueFilters()) == []
    [approved] = build_queue(QueueFilters(status=ReportStatus.DISETUJUI))
    assert approved.decided == "sehat"
    assert stored(report).summary["decided"] == "sehat"
    assert report.assessments[-1].status == AssessmentStatus.APPROVED


def test_rows_of_another_engine_version_are_recomputed(make_submitted, engine_runs):
    make_submitted()
    build_queue(QueueFilters())
    db.session.execute(update(ReportScore).values(engine_version="v0:old", risk=99))
    db.session.commit()
    [row] = build_queue(QueueFilters())
    assert len(engine_runs) == 2 and row.risk < 99
    versions = db.session.scalars(select(ReportScore.engine_version)).all()
    assert versions == [scores.engine_version()]


def test_stored_count_holds_only_while_every_report_of_the_statuses_has_its_current_row(
    make_submitted, make_approved
):
    reports = [make_submitted(tahun_buku=2025), make_approved(tahun_buku=2024).report]
    submitted, approved = (ReportStatus.DIAJUKAN,), (ReportStatus.DISETUJUI,)
    assert scores.stored_count(submitted) is None
    build_queue(QueueFilters(status=None))
    assert scores.stored_count(submitted) is not None and scores.stored_count(approved) is not None
    db.session.execute(update(ReportScore).where(ReportScore.report_id == reports[0].id)
                       .values(engine_version="v0:old"))  # fmt: skip
    db.session.commit()
    assert scores.stored_count(submitted) is None and scores.stored_count(approved) is not None
    build_queue(QueueFilters())
    reports[1].data = {**reports[1].data, "catatan": "ubah"}  # drops its cooperative's rows
    db.session.commit()
    assert scores.stored_count(approved) is None


def test_a_decided_reports_row_outlives_a_ruleset_change_but_its_live_result_does_not(
    client, login_as, make_approved, engine_runs
):
    report = make_approved(tahun_buku=2024).report
    build_queue(QueueFilters(status=ReportStatus.DISETUJUI))
    assert stored(report).engine_version == scores.FROM_ASSESSMENT
    login_as(Role.PENGAWAS)
    client.get(f"/penilaian/laporan/{report.id}")
    assert stored(report).engine_version == scores.engine_version()  # now holds the live result
    db.session.execute(update(ReportScore).values(engine_version="v0:old"))
    db.session.commit()
    runs = len(engine_runs)
    build_queue(QueueFilters(status=ReportStatus.DISETUJUI))
    assert len(engine_runs) == runs and stored(report).engine_version == scores.FROM_ASSESSMENT


def test_a_row_dropped_between_refresh_and_read_is_computed_when_read(make_submitted, monkeypatch):
    report = make_submitted()
    monkeypatch.setattr(scores, "refresh", lambda ids: 0)  # another request dropped it meanwhile
    [row] = build_queue(QueueFilters())
    assert row.report.id == report.id and row.engine.total == 92.19


def test_the_queue_page_counts_and_orders_in_sql(make_submitted, make_cooperative):
    for i in range(5):
        make_submitted(make_cooperative(f"Koperasi {i}", nik=f"35160000000001{i:02d}"))
    page = queue_page(QueueFilters(), 2, 2)
    assert (page.total, page.pages, len(page.items)) == (5, 3, 2)
    everything = [r.report.id for r in build_queue(QueueFilters())]
    assert [r.report.id for r in page.items] == everything[2:4]
    assert queue_page(QueueFilters(), 99, 2).page == 3  # past the end: the last page


def test_a_refused_report_is_stored_with_its_error(make_submitted, engine_runs):
    report = make_submitted(total_aset=-5)
    [row] = build_queue(QueueFilters())
    assert row.error and [f.code for f in row.flags][0] == "galat"
    assert stored(report).summary["error"] == row.error


def test_a_decided_report_is_queued_without_the_engine_and_explained_once(
    client, login_as, make_approved, engine_runs
):
    report = make_approved(tahun_buku=2024).report
    runs = len(engine_runs)
    [row] = build_queue(QueueFilters(status=ReportStatus.DISETUJUI))
    assert row.decided == "sehat" and len(engine_runs) == runs  # read from the assessment
    login_as(Role.PENGAWAS)
    for _ in range(2):
        body = client.get(f"/penilaian/laporan/{report.id}").get_data(as_text=True)
        assert "92,19" in body
    assert len(engine_runs) == runs + 1  # the first view computed and stored the live result
    assert stored(report).summary["live"] and stored(report).result["total"] == 92.19


def test_a_failed_post_does_not_store_a_row(client, login_as, make_submitted):
    report = make_submitted()
    login_as(Role.PENGAWAS)
    response = client.post(f"/penilaian/laporan/{report.id}/jawaban", data={})
    assert response.status_code == 400
    assert stored(report) is None


def test_refresh_scores_stores_every_queued_report(app, make_submitted, make_approved):
    reports = [make_submitted(), make_approved(tahun_buku=2024).report]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["refresh-scores"])
    assert result.exit_code == 0 and "untuk 2 versi laporan" in result.output
    assert all(stored(r) is not None for r in reports)
    assert "untuk 0 versi" in runner.invoke(args=["refresh-scores"]).output
    assert "untuk 2 versi" in runner.invoke(args=["refresh-scores", "--all"]).output


def test_beyond_the_sync_limit_the_page_answers_and_the_rest_is_computed_in_the_background(
    client, login_as, make_submitted, make_cooperative, monkeypatch
):
    reports = [make_submitted(make_cooperative(f"Koperasi {i}", nik=f"35160000000002{i:02d}"))
               for i in range(3)]  # fmt: skip
    monkeypatch.setattr(scores, "SYNC_LIMIT", 1)
    started = []
    monkeypatch.setattr(scores, "start_background", lambda ids: started.append(ids) or True)
    login_as(Role.PENGAWAS)
    body = client.get("/penilaian/").get_data(as_text=True)
    assert "sedang menghitung 3 laporan" in body
    assert sorted(started[0]) == sorted(r.id for r in reports)
    assert all(f"Koperasi {i}" in body for i in range(3))  # shown, computed on the way
    assert body.count("92,19") >= 3


def test_the_background_refresh_stores_every_row_and_runs_one_at_a_time(
    app, make_submitted, monkeypatch
):
    report = make_submitted()
    go, real = threading.Event(), scores.refresh
    monkeypatch.setattr(scores, "refresh", lambda ids: go.wait(10) and real(ids))
    assert scores.start_background([report.id])
    assert not scores.start_background([report.id])  # one already running in this process
    go.set()
    assert scores._background.acquire(timeout=30)  # released when the thread is done
    scores._background.release()
    assert stored(report) is not None and stored(report).summary["engine"]["total"] == 92.19


def test_a_change_committed_while_a_row_is_computed_never_leaves_it_stale(
    app, make_user, make_submitted, monkeypatch
):
    """The engine reads the report, another request corrects its answers and commits, then the
    row is written: the correction waits for the write and drops it (no stale row stays)."""
    report, pengawas = make_submitted(), make_user(Role.PENGAWAS)
    no = {code: False for code in ops.item_codes(report) if code.startswith("tk.")}
    ids, corrected, seen = (report.id, pengawas.id), threading.Event(), []

    def correct_elsewhere():
        with app.app_context():
            other = db.session.get(Report, ids[0])
            ops.correct_answers(db.session.get(User, ids[1]), other, no, other.version_id)
            corrected.set()

    def write_after_the_change(rows, write=scores.write):
        changer = threading.Thread(target=correct_elsewhere)
        changer.start()
        seen.append((changer, not corrected.wait(timeout=0.5)))  # held until this commits
        write(rows)

    monkeypatch.setattr(scores, "write", write_after_the_change)
    scores.refresh([report.id])  # computed from the answers before the correction
    [(changer, waited)] = seen
    changer.join(timeout=40)
    assert corrected.is_set()
    monkeypatch.undo()
    assert stored(report) is None
    [after] = build_queue(QueueFilters())
    assert after.engine.total == 69.69 == ops.live_result(report).total
    assert waited


def test_a_page_never_waits_for_a_change_in_progress_and_stores_nothing_meanwhile(
    app, make_user, make_submitted
):
    """PostgreSQL: a cooperative a change holds is skipped: the page shows the result it computed
    from what is committed and leaves the row to the next read (SQLite has one writer)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    report, pengawas = make_submitted(), make_user(Role.PENGAWAS)
    no = {code: False for code in ops.item_codes(report) if code.startswith("tk.")}
    flushed, release, ids = threading.Event(), threading.Event(), (report.id, pengawas.id)

    def change_in_progress():
        with app.app_context():
            other = db.session.get(Report, ids[0])
            db.session.add(Review(report=other, answers_pengawas=no, updated_by_id=ids[1]))
            db.session.flush()  # the cooperative is now held until the commit
            flushed.set()
            release.wait(timeout=10)
            db.session.commit()

    changer = threading.Thread(target=change_in_progress)
    changer.start()
    assert flushed.wait(timeout=10)
    try:
        _, result, _ = scores.for_report(report, store=True)
        assert result.total == 92.19 and stored(report) is None
    finally:
        release.set()
        changer.join(timeout=10)
    [after] = build_queue(QueueFilters())
    assert after.engine.total == 69.69
