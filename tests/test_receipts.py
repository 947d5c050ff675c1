"""Tanda terima: one per submitted version, numbered, shown, printable, and never another
cooperative's."""

import pytest

from sikomo.extensions import db
from sikomo.format import local
from sikomo.models import AuditEvent, Receipt, Report, ReportStatus, Role
from sikomo.reports import operations as ops
from sikomo.review import operations as review
from tests.conftest import as_user
from tests.submitting import draft, submitted
from tests.test_api_reports import ANSWERED, post
from tests.test_reports import CURRENT, fill_everything, start, submit


@pytest.fixture
def coop(make_cooperative):
    return make_cooperative("KSP Tanda Terima", nik="3516000000000321")


@pytest.fixture
def pengurus(client, make_user, coop):
    user = make_user(Role.PENGURUS, email="bendahara@contoh.test", cooperative=coop)
    user.name = "Siti Bendahara"
    db.session.commit()
    as_user(client, user)
    return user


def test_submitting_on_the_form_issues_a_numbered_receipt_shown_on_the_next_page(client, pengurus):
    report = start(client)
    fill_everything(report)
    response = submit(client, report)
    db.session.refresh(report)
    receipt = db.session.scalar(db.select(Receipt))
    assert receipt.report_id == report.id and report.status == ReportStatus.DIAJUKAN
    assert receipt.number == f"TT/{local(report.submitted_at).year}/{receipt.id:06d}"
    assert (receipt.tahun_buku, receipt.version) == (2025, 1)
    assert receipt.submitter_id == pengurus.id and receipt.submitter_name == "Siti Bendahara"
    assert local(receipt.submitted_at) == local(report.submitted_at)  # the server's moment
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count(receipt.number) >= 2  # the flash message and the summary's notice
    assert f'href="/laporan/{report.id}/tanda-terima"' in page
    issued = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "receipt.issue"))
    assert issued.after["number"] == receipt.number


def test_each_submitted_version_has_its_own_receipt_and_numbers_differ(
    app, coop, make_user, pengurus
):
    pengawas = make_user(Role.PENGAWAS)
    first = submitted(coop, pengurus)
    review.return_report(pengawas, first, "Lampirkan neraca yang ditandatangani.")
    second = ops.reopen(pengurus, first)
    ops.submit(pengurus, second, {}, None)
    rows = db.session.scalars(db.select(Receipt).order_by(Receipt.id)).all()
    assert [(r.report_id, r.version) for r in rows] == [(first.id, 1), (second.id, 2)]
    assert len({r.number for r in rows}) == 2


def test_a_blocked_submission_issues_no_receipt(app, coop, pengurus):
    report = draft(coop, total_aset=CURRENT["total_aset"] + 1000)
    with pytest.raises(ops.SubmitBlocked):
        ops.submit(pengurus, report, {}, None)
    assert db.session.scalar(db.select(db.func.count()).select_from(Receipt)) == 0


def test_the_receipt_page_is_printable_for_the_own_pengurus(client, coop, pengurus):
    report = submitted(coop, pengurus)
    receipt = db.session.scalar(db.select(Receipt))
    response = client.get(f"/laporan/{report.id}/tanda-terima")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (receipt.number, "KSP Tanda Terima", "3516000000000321", "Siti Bendahara",
                 "data-print", "TANDA TERIMA LAPORAN RAT", "14 Maret 2026"):  # fmt: skip
        assert text in page, text


@pytest.mark.parametrize(("role", "status"), [(Role.PENGAWAS, 200), (Role.DINAS, 200),
                                              (Role.ADMIN, 200), (Role.PENGURUS, 404)])  # fmt: skip
def test_only_staff_and_the_own_pengurus_see_a_receipt(
    client, coop, pengurus, make_user, make_cooperative, role, status
):
    report = submitted(coop, pengurus)
    other = (
        make_cooperative("Koperasi Tetangga", nik="3516000000000999")
        if role == Role.PENGURUS
        else None
    )
    as_user(client, make_user(role, email="lain@contoh.test", cooperative=other))
    response = client.get(f"/laporan/{report.id}/tanda-terima")
    assert response.status_code == status
    if status == 404:
        body = response.get_data(as_text=True)
        assert "KSP Tanda Terima" not in body and "TT/" not in body


def test_a_draft_has_no_receipt_page(client, coop, pengurus):
    report = draft(coop)
    assert client.get(f"/laporan/{report.id}/tanda-terima").status_code == 404


def test_the_dashboard_lists_the_cooperatives_receipts_only(
    client, coop, pengurus, make_user, make_cooperative
):
    mine = submitted(coop, pengurus)
    other = make_cooperative("Koperasi Tetangga", nik="3516000000000999")
    submitted(other, make_user(Role.PENGURUS, email="tetangga@contoh.test", cooperative=other))
    numbers = {r.report_id: r.number for r in db.session.scalars(db.select(Receipt))}
    as_user(client, pengurus)
    page = client.get("/laporan/").get_data(as_text=True)
    assert "Tanda terima pengajuan" in page and numbers[mine.id] in page
    assert all(n not in page for rid, n in numbers.items() if rid != mine.id)


def test_the_api_returns_the_receipt_of_a_submission(client, coop, make_token):
    token = make_token(coop, name="Aplikasi Akuntansi")
    response = post(client, token, ANSWERED | {"submit": True})
    assert response.status_code == 201, response.get_json()
    given = response.get_json()["report"]["tanda_terima"]
    receipt = db.session.scalar(db.select(Receipt))
    assert given["nomor"] == receipt.number and given["versi"] == 1
    assert "Aplikasi Akuntansi" in given["diajukan_oleh"] and receipt.submitter_id is None
    assert given["diajukan_pada"].endswith("+07:00")  # WIB, with its offset
    draft_only = post(client, token, {"tahun_buku": 2024, "kas": 1}).get_json()["report"]
    assert draft_only["tanda_terima"] is None
    report = db.session.get(Report, draft_only["id"])
    assert report.status == ReportStatus.DRAF
