"""Pengurus report flow: drafts, parsing, edits, submission, versions and conflicts."""

import json
from pathlib import Path

import pytest

from sikomo.edit_rules import questionnaire_for
from sikomo.extensions import db
from sikomo.models import AuditEvent, Report, ReportStatus, Role
from sikomo.reports import operations as ops
from tests.conftest import as_user

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
CURRENT = {k: v for k, v in SAMPLE.items() if k not in ("tahun_buku", "jenis", "tanggal_rat")}
ANSWERS = {code: True for group in questionnaire_for(None, 2025) for code in group.codes}


@pytest.fixture
def pengurus(login_as, make_cooperative):
    coop = make_cooperative("KSP Sejahtera Bersama", nik="3516000000000777")
    user = login_as(Role.PENGURUS, cooperative=coop)
    return user


@pytest.fixture
def last_year(pengurus, make_report):
    """Last year's approved report, whose figures become this year's _lalu values."""
    figures = {"total_aset": 7_650_000_000, "total_ekuitas": 2_470_000_000, "jumlah_anggota": 1185,
               "total_kewajiban": 5_180_000_000, "shu_setelah_pajak": 268_000_000}  # fmt: skip
    return make_report(pengurus.cooperative, tahun_buku=2024, **figures)


def start(client, tahun=2025) -> Report:
    response = client.post("/laporan/mulai", data={"tahun_buku": tahun})
    assert response.status_code == 302
    return db.session.scalar(db.select(Report).where(Report.tahun_buku == tahun))


def save(client, report, slug, **fields):
    db.session.refresh(report)
    data = {"version_id": report.version_id, **fields}
    return client.post(f"/laporan/{report.id}/bagian/{slug}", data=data)


def fill_everything(report: Report, **extra) -> None:
    """Every figure of the balanced sample and every questionnaire item answered."""
    report.data = {**report.data, **CURRENT, "tanggal_rat": "2026-03-14", "kuesioner": ANSWERS,
                   **extra}  # fmt: skip
    db.session.commit()


def submit(client, report, **fields):
    """Press Ajukan, then confirm on the confirmation page, as a pengurus does."""
    db.session.refresh(report)
    first = client.post(f"/laporan/{report.id}/ajukan", data={"version_id": report.version_id,
                                                              **fields})  # fmt: skip
    if first.status_code != 303:
        return first
    assert first.headers["Location"].endswith(f"/laporan/{report.id}/ajukan")
    db.session.refresh(report)
    assert report.status == ReportStatus.DRAF  # nothing is submitted before the confirmation
    page = client.get(f"/laporan/{report.id}/ajukan")
    assert page.status_code == 200 and "tidak dapat dibatalkan" in page.get_data(as_text=True)
    return client.post(f"/laporan/{report.id}/ajukan", data={"version_id": report.version_id,
                                                             "konfirmasi": "ya"})  # fmt: skip


def test_starting_a_report_prefills_last_years_approved_figures(client, last_year):
    report = start(client)
    assert report.status == ReportStatus.DRAF and report.version == 1
    assert report.data["total_aset_lalu"] == 7_650_000_000
    assert "total_aset_lalu" in report.data[ops.PREFILLED]
    page = client.get(f"/laporan/{report.id}/bagian/neraca").get_data(as_text=True)
    assert "7.650.000.000" in page and "prefilled" in page


def test_starting_twice_opens_the_same_draft(client, pengurus):
    assert start(client).id == start(client).id


@pytest.mark.parametrize("typed", ["1234567", "1.234.567", "Rp 1.234.567"])
def test_amounts_accept_plain_dotted_and_rupiah_text(client, pengurus, typed):
    report = start(client)
    response = save(client, report, "neraca", kas=typed)
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.data["kas"] == 1234567


def test_a_blank_field_is_unknown_not_zero(client, pengurus):
    report = start(client)
    save(client, report, "neraca", kas="5")
    save(client, report, "neraca", kas="")
    db.session.refresh(report)
    assert "kas" not in report.data


def test_an_unreadable_amount_is_kept_with_a_message_on_its_field(client, pengurus):
    report = start(client)
    response = save(client, report, "neraca", kas="dua juta", bank="1.000")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "dua juta" in page and "1.234.567" in page  # the typed text and how to write it
    db.session.refresh(report)
    assert report.data["bank"] == 1000 and report.data[ops.RAW] == {"kas": "dua juta"}
    again = client.get(f"/laporan/{report.id}/bagian/neraca").get_data(as_text=True)
    assert "dua juta" in again and "field-error" in again
    summary = client.get(f"/laporan/{report.id}").get_data(as_text=True)
    link = f'<a href="/laporan/{report.id}/bagian/neraca">Kas</a>: “dua juta”'
    assert link in summary and ">kas<" not in summary  # the label, not the schema key


def test_a_draft_round_trips_through_the_form(client, pengurus):
    report = start(client)
    save(client, report, "hasil-usaha", shu_setelah_pajak="-12.500.000", partisipasi_bruto="900")
    page = client.get(f"/laporan/{report.id}/bagian/hasil-usaha").get_data(as_text=True)
    assert 'value="-12.500.000"' in page and 'value="900"' in page
    save(client, report, "identitas", tanggal_rat="2026-03-14")
    db.session.refresh(report)
    assert (
        report.data["tanggal_rat"] == "2026-03-14"
        and report.data["shu_setelah_pajak"] == -12_500_000
    )


def test_a_negative_amount_is_refused_where_the_schema_forbids_it(client, pengurus):
    report = start(client)
    response = save(client, report, "neraca", kas="-5")
    assert response.status_code == 422 and "tidak boleh negatif" in response.get_data(as_text=True)


def test_questionnaire_answers_are_saved_and_shown(client, pengurus):
    report = start(client)
    response = save(client, report, "kuesioner", q__tk__prinsip__sukarela__1="ya",
                    q__tk__prinsip__sukarela__2="tidak")  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.data["kuesioner"] == {
        "tk.prinsip.sukarela.1": True,
        "tk.prinsip.sukarela.2": False,
    }


def test_the_second_of_two_concurrent_saves_gets_a_conflict_and_keeps_its_input(client, pengurus):
    report = start(client)
    db.session.refresh(report)
    opened = report.version_id
    first = client.post(
        f"/laporan/{report.id}/bagian/neraca", data={"version_id": opened, "kas": "10"}
    )
    second = client.post(
        f"/laporan/{report.id}/bagian/neraca", data={"version_id": opened, "kas": "99"}
    )
    assert first.status_code == 302 and second.status_code == 409
    page = second.get_data(as_text=True)
    assert "diubah di sesi lain" in page and 'value="99"' in page
    db.session.refresh(report)
    assert report.data["kas"] == 10


def test_submission_is_blocked_by_a_validity_edit(client, pengurus):
    report = start(client)
    fill_everything(report, kas=1)
    response = client.post(f"/laporan/{report.id}/ajukan", data={"version_id": report.version_id})
    assert response.status_code == 422
    assert "tidak sama dengan total aset" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == ReportStatus.DRAF


def test_a_quality_warning_needs_an_explanation_then_submits(client, last_year):
    report = start(client)
    fill_everything(report, tanggal_rat="2026-08-01")
    blocked = client.post(f"/laporan/{report.id}/ajukan", data={"version_id": report.version_id})
    assert blocked.status_code == 422 and "lebih dari 6 bulan" in blocked.get_data(as_text=True)
    explained = submit(client, report, penjelasan_rat_terlambat="RAT ditunda karena banjir.")
    assert explained.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.DIAJUKAN and report.submitted_at is not None
    assert report.data[ops.EXPLANATIONS] == {"rat_terlambat": "RAT ditunda karena banjir."}
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert {"report.start", "report.status"} <= {e.action for e in events}
    assert any((e.after or {}).get(ops.EXPLANATIONS) for e in events)  # the explanation audited


def test_an_unexplained_submission_keeps_the_explanations_typed(client, last_year):
    report = start(client)
    fill_everything(report, tanggal_rat="2026-08-01", jumlah_anggota=900)
    client.post(f"/laporan/{report.id}/ajukan", data={
        "version_id": report.version_id, "penjelasan_rat_terlambat": "Banjir."})  # fmt: skip
    db.session.refresh(report)
    assert report.status == ReportStatus.DRAF
    assert report.data[ops.EXPLANATIONS] == {"rat_terlambat": "Banjir."}


def test_a_submitted_report_is_frozen(client, pengurus):
    report = start(client)
    fill_everything(report)
    submit(client, report)
    db.session.refresh(report)
    assert report.status == ReportStatus.DIAJUKAN
    response = save(client, report, "neraca", kas="1")
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.data["kas"] == CURRENT["kas"]


def test_return_and_resubmit_makes_a_new_version_and_keeps_the_old(client, pengurus):
    report = start(client)
    fill_everything(report)
    submit(client, report)
    db.session.refresh(report)
    report.status = ReportStatus.DIKEMBALIKAN  # as the pengawas's Kembalikan leaves it
    db.session.commit()
    response = client.post(f"/laporan/{report.id}/perbaiki")
    assert response.status_code == 302
    versions = ops.versions(pengurus.cooperative_id, 2025)
    assert [(v.version, v.status) for v in versions] == [
        (2, ReportStatus.DRAF),
        (1, ReportStatus.DIKEMBALIKAN),
    ]
    draft = versions[0]
    assert draft.data["kas"] == CURRENT["kas"]
    submit(client, draft)
    db.session.refresh(draft)
    assert draft.status == ReportStatus.DIAJUKAN and versions[1].data == report.data


def test_an_approved_report_is_corrected_in_a_new_version(client, last_year):
    response = client.post(f"/laporan/{last_year.id}/perbaiki")
    assert response.status_code == 302
    newest = ops.latest(last_year.cooperative_id, 2024)
    assert newest.version == 2 and newest.status == ReportStatus.DRAF
    db.session.refresh(last_year)
    assert last_year.status == ReportStatus.DISETUJUI


def test_preview_scores_the_unsaved_section_over_the_draft(client, pengurus):
    report = start(client)
    fill_everything(report)
    response = client.post(f"/laporan/{report.id}/pratinjau", data={"bagian": "hasil-usaha",
                           "shu_setelah_pajak": "900.000.000", "version_id": report.version_id})  # fmt: skip
    data = response.get_json()
    assert response.status_code == 200 and data["total"] is not None
    assert {"predikat", "weakest", "scored", "defined"} <= set(data)
    db.session.refresh(report)
    assert report.data["shu_setelah_pajak"] == CURRENT["shu_setelah_pajak"]  # nothing saved


def test_edit_rules_are_published_as_json(client):
    data = client.get("/api/v1/edit-rules").get_json()
    rules = {r["code"]: r for r in data["rules"]}
    assert "jumlah_aset" in rules
    assert rules["kuesioner_lengkap"]["kind"] == "validitas"
    assert "impor massal" in rules["kuesioner_lengkap"]["scope"]


def test_an_approved_version_replaced_by_a_later_approval_is_marked(
    client, make_cooperative, make_report, make_user
):
    coop = make_cooperative()
    first = make_report(coop, 2025)
    second = Report(cooperative_id=coop.id, tahun_buku=2025, version=2,
                    status=ReportStatus.DISETUJUI, data={"tahun_buku": 2025})  # fmt: skip
    db.session.add(second)
    draft = make_report(coop, 2024)
    draft.status = ReportStatus.DRAF
    db.session.commit()
    assert ops.replaced([first, second, draft]) == {first.id: 2}
    as_user(client, make_user(Role.PENGURUS, cooperative=coop))
    summary = client.get(f"/laporan/{first.id}").get_data(as_text=True)
    assert summary.count("diganti versi 2") == 1
    as_user(client, make_user(Role.PENGAWAS, email="p@contoh.test"))
    detail = client.get(f"/koperasi/{coop.id}").get_data(as_text=True)
    assert detail.count("diganti versi 2") == 1 and "Disetujui" in detail


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1900-06-30"])
def test_an_implausible_rat_date_is_refused_and_kept_on_screen(client, pengurus, typed):
    report = start(client)
    response = save(client, report, "identitas", tanggal_rat=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "antara 1 Januari 1945" in page and typed in page
