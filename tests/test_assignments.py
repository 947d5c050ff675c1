"""Assigning reports to pengawas: the Dinas assigns and reassigns (audited), a pengawas takes an
unassigned report or releases their own, the queue shows "tugas saya", a new version keeps it."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from sikomo.assignments import operations as ops
from sikomo.extensions import db
from sikomo.models import Assignment, AuditEvent, Report, ReportScore, ReportStatus, Role
from sikomo.reports import operations as reports
from sikomo.review import scores, trail
from sikomo.review.queue import (
    QUEUE_STATUSES,
    QueueFilters,
    joined_query,
    queue_page,
    scored_query,
    worklist,
)
from sikomo.review.trail import events as audit_trail
from tests.conftest import as_user


@pytest.fixture
def people(make_user):
    return {
        "dinas": make_user(Role.DINAS, email="dinas@contoh.test"),
        "ani": make_user(Role.PENGAWAS, email="ani@contoh.test"),
        "budi": make_user(Role.PENGAWAS, email="budi@contoh.test"),
        "lama": make_user(Role.PENGAWAS, email="lama@contoh.test", active=False),
    }


def post(client, report, pengawas) -> str:
    data = {"pengawas": "" if pengawas is None else str(pengawas)}
    response = client.post(f"/penilaian/laporan/{report.id}/tugas", data=data,
                           follow_redirects=True)  # fmt: skip
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_dinas_assigns_and_reassigns_and_each_change_is_audited(people, make_submitted):
    report = make_submitted()
    assert ops.assign(people["dinas"], report, people["ani"].id)
    assert not ops.assign(people["dinas"], report, people["ani"].id)  # nothing changed
    assert ops.assign(people["dinas"], report, people["budi"].id)
    assert ops.assignee(report).id == people["budi"].id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.assign")
                                .order_by(AuditEvent.id)).all()  # fmt: skip
    ani, budi = (f"{u.name} ({u.email})" for u in (people["ani"], people["budi"]))
    names = [(e.before["ditugaskan"], e.after["ditugaskan"]) for e in events]
    assert names == [(None, ani), (ani, budi)]
    steps = [s for s in trail.trail(report, audit_trail(report)) if s.what == "Penugasan pengawas"]
    assert [c.after for s in steps for c in s.changes] == [ani, budi]
    assert ops.assign(people["dinas"], report, None) and ops.assignee(report) is None


def test_an_inactive_user_or_no_pengawas_cannot_be_assigned(people, make_submitted):
    report = make_submitted()
    for user in (people["lama"], people["dinas"]):
        with pytest.raises(ops.AssignmentError, match="pengawas yang aktif"):
            ops.assign(people["dinas"], report, user.id)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_pengawas_takes_an_unassigned_report_and_releases_only_their_own(people, make_submitted):
    report = make_submitted()
    ani, budi = people["ani"], people["budi"]
    with pytest.raises(ops.AssignmentError, match="untuk dirinya sendiri"):
        ops.assign(ani, report, budi.id)  # a pengawas does not hand work to another
    assert ops.assign(ani, report, ani.id)  # ambil
    with pytest.raises(ops.AssignmentError, match="sudah ditugaskan ke"):
        ops.assign(budi, report, budi.id)
    with pytest.raises(ops.AssignmentError, match="untuk dirinya sendiri"):
        ops.assign(budi, report, None)  # nor releases someone else's
    assert ops.assign(ani, report, None) and ops.assignee(report) is None


def test_a_decided_report_is_not_assigned(people, make_approved):
    row = make_approved()
    with pytest.raises(ops.AssignmentError, match="diajukan atau dikembalikan"):
        ops.assign(people["dinas"], row.report, people["ani"].id)


def test_the_review_page_assigns_through_its_form(client, people, make_submitted):
    report = make_submitted()
    body = post(as_user(client, people["ani"]), report, people["ani"].id)
    assert "Laporan ditugaskan ke" in body and "Lepaskan tugas" in body
    body = post(as_user(client, people["budi"]), report, people["budi"].id)
    assert "sudah ditugaskan ke" in body and "Ambil laporan ini" not in body
    body = post(as_user(client, people["dinas"]), report, people["budi"].id)
    assert f"Laporan ditugaskan ke {people['budi'].name}" in body
    assert "bukan-angka" not in post(client, report, "bukan-angka")
    assert "Pilih pengawas dari daftar." in post(client, report, "bukan-angka")
    assert ops.assignee(report).id == people["budi"].id


def test_a_pengurus_cannot_assign(client, login_as, people, make_submitted):
    report = make_submitted()
    login_as(Role.PENGURUS, cooperative=report.cooperative)
    response = client.post(f"/penilaian/laporan/{report.id}/tugas", data={"pengawas": ""})
    assert response.status_code in (403, 404)


def test_the_queue_lists_my_tasks_and_the_unassigned(
    client, people, make_submitted, make_cooperative
):
    mine, theirs, nobodys = (make_submitted(make_cooperative(f"Koperasi {n}", nik=f"35160000000009{i}"))
                             for i, n in enumerate(("Saya", "Dia", "Kosong")))  # fmt: skip
    ops.assign(people["dinas"], mine, people["ani"].id)
    ops.assign(people["dinas"], theirs, people["budi"].id)
    ani = people["ani"].id
    for tugas, expected in (("saya", [mine.id]), ("belum", [nobodys.id])):
        chosen = QueueFilters(tugas=tugas, user_id=ani)
        page = queue_page(chosen, 1, 25)
        assert [r.report.id for r in page.items] == expected and page.total == 1
        scores.refresh(scores.stale_ids(select(Report).where(Report.status.in_(QUEUE_STATUSES))))
        stored = db.session.scalars(scored_query(chosen)).all()
        assert stored == db.session.scalars(joined_query(chosen)).all() == expected
    body = as_user(client, people["ani"]).get("/penilaian/?tugas=saya").get_data(as_text=True)
    assert "Koperasi Saya" in body and "Koperasi Dia" not in body
    assert f"Pengawas: {people['ani'].name}" in body


def test_a_new_version_keeps_its_pengawas_and_reassigning_keeps_the_stored_rows(
    people, make_submitted
):
    report = make_submitted()
    scores.refresh([report.id])
    ops.assign(people["dinas"], report, people["ani"].id)
    assert db.session.get(ReportScore, report.id) is not None  # the engine need not run again
    report.status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    draft = reports.reopen(people["dinas"], report)  # what the pengurus's "Perbaiki" does
    assert ops.assignee(draft).id == people["ani"].id


def test_the_pengawas_home_is_their_worklist_and_each_count_is_its_queue(
    client, people, make_submitted, make_cooperative
):
    coops = [make_cooperative(f"Koperasi {i}", nik=f"351600000000088{i}") for i in range(4)]
    mine, late, other, again = (make_submitted(c) for c in coops)
    ops.assign(people["dinas"], mine, people["ani"].id)
    ops.assign(people["dinas"], other, people["budi"].id)
    late.submitted_at = datetime.now(UTC) - timedelta(days=45)
    again.version = 2
    db.session.commit()
    found = worklist(people["ani"].id)
    counts = {label: n for label, _args, n in found}
    assert counts == {"Tugas saya": 1, "Belum ditugaskan": 2, "Terlambat ditinjau": 1,
                      "Diperbaiki dan diajukan lagi": 1, "Menunggu persetujuan kedua": 0}  # fmt: skip
    as_user(client, people["ani"])
    home = client.get("/").get_data(as_text=True)
    assert "Pekerjaan saya" in home and "Terlambat ditinjau" in home
    for label, args, count in found:
        url = "/penilaian/?" + urlencode(args)
        assert f'href="{url}"' in home.replace("&amp;", "&"), label
        assert f"{count} laporan." in client.get(url).get_data(as_text=True), label
    dinas_home = as_user(client, people["dinas"]).get("/").get_data(as_text=True)
    assert "Pekerjaan saya" not in dinas_home and "Perlu tindakan Dinas" in dinas_home
