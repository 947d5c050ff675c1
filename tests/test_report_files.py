"""Attachments, the Excel template and the Dinas bulk import: all or nothing, clear errors."""

import html
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sikomo.extensions import db
from sikomo.models import Attachment, AuditEvent, Report, ReportStatus, Role
from sikomo.reports import operations as ops
from sikomo.reports.importer import import_reports
from tests.conftest import as_user, followed
from tests.statements import reads, sent

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def draft(login_as, make_cooperative, make_report):
    coop = make_cooperative("KSP Sejahtera Bersama", nik="3516000000000777")
    user = login_as(Role.PENGURUS, cooperative=coop)
    make_report(coop, tahun_buku=2024, total_aset=7_650_000_000, kas=100_000_000)
    return ops.start(user, coop, 2025)


def upload(client, report, content: bytes, name: str):
    data = {"berkas": (io.BytesIO(content), name), "keterangan": "Berita acara RAT"}
    # follow_redirects makes the test client close its temporary file for a large body
    response = client.post(f"/laporan/{report.id}/lampiran", data=data,
                           content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    response.close()
    return response


@pytest.mark.parametrize(("content", "name"), [(PDF, "ba-rat.pdf"), (PNG, "foto.png"),
                                               (b"\xff\xd8\xff\xe0" + b"0" * 20, "scan.JPG")])  # fmt: skip
def test_pdf_jpg_and_png_are_accepted_and_stored_by_random_name(client, draft, app, content, name):
    response = upload(client, draft, content, name)
    assert response.status_code == 200 and f"Lampiran {name} disimpan" in response.get_data(
        as_text=True
    )
    att = db.session.scalar(db.select(Attachment))
    assert att.filename == name and att.stored_name != name and att.size == len(content)
    assert (Path(app.config["UPLOAD_FOLDER"]) / att.stored_name).read_bytes() == content
    with client.get(f"/laporan/lampiran/{att.id}") as download:
        assert download.status_code == 200 and download.data == content
        disposition = download.headers["Content-Disposition"]
        # a PDF (sniffed on upload, RAT minutes) opens in the browser; a picture is downloaded
        assert disposition.startswith("inline" if name.endswith(".pdf") else "attachment")


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"bukan pdf sama sekali", "surat.pdf", "hanya PDF, JPG atau PNG"),
        (b"MZ\x90\x00 program", "virus.png", "hanya PDF, JPG atau PNG"),
        (b"", "kosong.pdf", "kosong"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "besar.pdf", "lebih besar dari 10 MB"),
    ],
)
def test_a_bad_upload_is_refused_with_a_reason_and_nothing_stored(
    client, draft, app, content, name, words
):
    response = upload(client, draft, content, name)
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Attachment)) is None


def test_only_that_cooperative_and_staff_may_download(client, draft, make_user, make_cooperative):
    upload(client, draft, PDF, "ba-rat.pdf")
    att = db.session.scalar(db.select(Attachment))
    neighbour = make_cooperative("Koperasi Tetangga")
    users = [(make_user(Role.PENGURUS, email="tetangga@contoh.test", cooperative=neighbour), 404)]
    users += [(make_user(role), 200) for role in (Role.PENGAWAS, Role.DINAS, Role.ADMIN)]
    for user, expected in users:
        as_user(client, user)
        with client.get(f"/laporan/lampiran/{att.id}") as download:
            assert download.status_code == expected, user.role


def test_a_new_version_keeps_the_attachments(client, draft):
    upload(client, draft, PDF, "ba-rat.pdf")
    draft.status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    client.post(f"/laporan/{draft.id}/perbaiki")
    newest = db.session.scalar(db.select(Report).where(Report.version == 2))
    assert [a.filename for a in newest.attachments] == ["ba-rat.pdf"]


def template_of(client, report):
    response = client.get(f"/laporan/{report.id}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def send_back(client, report, wb):
    out = io.BytesIO()
    wb.save(out)
    db.session.refresh(report)
    data = {"berkas": (io.BytesIO(out.getvalue()), "isi.xlsx"), "version_id": report.version_id}
    return client.post(
        f"/laporan/{report.id}/unggah", data=data, content_type="multipart/form-data"
    )


def rows_by_key(sheet) -> dict[str, int]:
    return {row[0].value: row[0].row for row in sheet.iter_rows(min_row=6) if row[0].value}


def test_template_has_labels_units_and_last_years_figures(client, draft):
    wb = template_of(client, draft)
    sheet = wb["Laporan"]
    row = rows_by_key(sheet)["total_aset"]
    assert sheet.cell(row, 2).value == "Total aset" and sheet.cell(row, 3).value == "Rp"
    assert sheet.cell(row, 5).value == 7_650_000_000  # prefilled from the approved 2024 report
    questions = wb["Kuesioner"]
    assert (
        questions.cell(2, 1).value == "tk.prinsip.sukarela.1" and questions.max_row == 146
    )  # 145 enabled items


def test_template_locks_the_keys_formats_the_inputs_and_explains_itself(client, draft):
    draft.data = {**draft.data, "tanggal_rat": "2026-03-14"}
    db.session.commit()
    wb = template_of(client, draft)
    sheet, rows = wb["Laporan"], rows_by_key(wb["Laporan"])
    assert sheet.protection.sheet and wb["Kuesioner"].protection.sheet
    date_cell = sheet.cell(rows["tanggal_rat"], 4)
    assert date_cell.is_date and date_cell.value.date() == date(2026, 3, 14)
    assert date_cell.number_format == "dd/mm/yyyy" and not date_cell.protection.locked
    kas = rows["kas"]
    assert sheet.cell(kas, 1).protection.locked and sheet.cell(kas, 2).protection.locked
    assert not sheet.cell(kas, 4).protection.locked and not sheet.cell(kas, 5).protection.locked
    assert sheet.cell(kas, 4).number_format == "#,##0"
    assert sheet.cell(rows["tanggal_rat"], 5).protection.locked  # no prior-year twin
    assert (
        not wb["Kuesioner"].cell(2, 4).protection.locked
        and wb["Kuesioner"].cell(2, 1).protection.locked
    )
    notes = [row[0] for row in wb["Petunjuk"].iter_rows(values_only=True)]
    assert notes[0].startswith("Cara mengisi") and any("14/03/2026" in n for n in notes)


def test_a_filled_template_fills_the_draft(client, draft):
    wb = template_of(client, draft)
    sheet, rows = wb["Laporan"], rows_by_key(wb["Laporan"])
    sheet.cell(rows["kas"], 4).value = 120_000_000
    sheet.cell(rows["bank"], 4).value = "480.000.000"
    sheet.cell(rows["tanggal_rat"], 4).value = "2026-03-14"
    wb["Kuesioner"].cell(2, 4).value = "Terpenuhi"
    assert send_back(client, draft, wb).status_code == 302
    db.session.refresh(draft)
    assert (draft.data["kas"], draft.data["bank"]) == (120_000_000, 480_000_000)
    assert draft.data["tanggal_rat"] == "2026-03-14"
    assert draft.data["kuesioner"]["tk.prinsip.sukarela.1"] is True


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (
            lambda wb, rows: setattr(wb["Laporan"].cell(rows["kas"], 4), "value", "seratus ribu"),
            "Laporan!D",
        ),
        (lambda wb, rows: setattr(wb["Laporan"].cell(5, 4), "value", "Nilai"), "kolom harus"),
        (
            lambda wb, rows: setattr(wb["Laporan"].cell(rows["kas"], 1), "value", "kas_kecil"),
            "kunci 'kas_kecil' tidak dikenal",
        ),
        (lambda wb, rows: setattr(wb["Kuesioner"].cell(2, 4), "value", "mungkin"), "Kuesioner!D2"),
        (lambda wb, rows: setattr(wb["Laporan"].cell(3, 2), "value", 2019), "tahun buku"),
    ],
)
def test_a_spoiled_template_is_refused_whole_with_the_cell_named(client, draft, spoil, words):
    wb = template_of(client, draft)
    rows = rows_by_key(wb["Laporan"])
    wb["Laporan"].cell(rows["bank"], 4).value = 5  # a good change that must not be applied
    spoil(wb, rows)
    response = followed(client, send_back(client, draft, wb))
    assert "hasil=" in response.request.url and "Draf tidak berubah" in response.get_data(
        as_text=True
    )
    assert words in html.unescape(response.get_data(as_text=True))
    db.session.refresh(draft)
    assert "bank" not in draft.data


def test_a_file_that_is_not_xlsx_is_refused(client, draft):
    data = {"berkas": (io.BytesIO(b"nama,kas\n"), "isi.xlsx"), "version_id": draft.version_id}
    response = client.post(
        f"/laporan/{draft.id}/unggah", data=data, content_type="multipart/form-data"
    )
    assert "bukan XLSX" in followed(client, response).get_data(as_text=True)


# --- Dinas bulk import ---------------------------------------------------------------------

BALANCED = {k: v for k, v in SAMPLE.items() if k not in ("jenis",)}


@pytest.fixture
def dinas_with_register(login_as, make_cooperative):
    login_as(Role.DINAS)
    return [make_cooperative(f"KSP {i}", nik=f"35160000000001{i:02d}") for i in range(3)]


def import_csv(client, df: pd.DataFrame):
    data = {"berkas": (io.BytesIO(df.to_csv(index=False).encode()), "laporan.csv")}
    return client.post("/laporan/impor", data=data, content_type="multipart/form-data")


def good_rows(coops) -> pd.DataFrame:
    rows = [{"nik": c.nik, **BALANCED} for c in coops]
    rows[1]["kas"] = "120.000.000"  # Indonesian text is read as a number
    rows[2]["tanggal_rat"] = "2026-08-01"  # a quality warning: recorded, not fatal
    rows[2]["kuesioner.tk.prinsip.sukarela.1"] = "ya"
    return pd.DataFrame(rows)


def test_bulk_import_stores_submitted_imported_reports(client, dinas_with_register):
    response = import_csv(client, good_rows(dinas_with_register))
    assert response.status_code == 302
    reports = db.session.scalars(db.select(Report).order_by(Report.id)).all()
    assert len(reports) == 3
    assert all(r.status == ReportStatus.DIAJUKAN and r.imported and r.version == 1 for r in reports)
    assert reports[1].data["kas"] == 120_000_000
    assert "rat_terlambat" in reports[2].data["_peringatan"]
    assert reports[2].data["kuesioner"] == {"tk.prinsip.sukarela.1": True}
    assert "modal_tertimbang" not in reports[0].data  # a blank cell stays unknown
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "report.import").order_by(AuditEvent.id)
    ).all()
    assert [e.object_id for e in events] == [str(r.id) for r in reports]
    assert events[0].after == {"tahun_buku": 2025, "versi": 1, "status": "diajukan"}
    assert events[0].created_at is not None and events[0].actor_label


def test_reports_saved_after_an_import_take_fresh_ids(client, dinas_with_register, make_report):
    """The import may choose its ids ahead of the INSERT (PostgreSQL): it draws them from the
    table's own sequence, so the next report saved the ordinary way never collides."""
    make_report(dinas_with_register[0], tahun_buku=2023)
    assert import_csv(client, good_rows(dinas_with_register)).status_code == 302
    imported = db.session.scalars(db.select(Report.id).where(Report.imported)).all()
    later = make_report(dinas_with_register[1], tahun_buku=2022)
    assert len(set(imported)) == 3 and later.id > max(imported)


def queries_of_an_import(make_cooperative, dinas, n: int, offset: int) -> int:
    coops = [make_cooperative(f"KSP Banyak {offset + i}", nik=f"35169{offset + i:011d}")
             for i in range(n)]  # fmt: skip
    df = pd.DataFrame([{"nik": c.nik, **BALANCED} for c in coops])
    with sent() as seen:
        result = import_reports(dinas, df)
    assert result.ok and result.created == n, result.errors[:2]
    return len(reads(seen))


def test_an_import_runs_as_many_queries_for_40_rows_as_for_10(make_cooperative, make_user):
    """No lookup per row (the ORM may still send one INSERT per report: linear, not quadratic)."""
    dinas = make_user(Role.DINAS)
    assert queries_of_an_import(make_cooperative, dinas, 40, 100) == queries_of_an_import(
        make_cooperative, dinas, 10, 200
    )


@pytest.mark.parametrize(
    ("spoil", "column", "words"),
    [
        (lambda df: df.assign(kas_besar=1), "kas_besar", "tidak dikenal"),
        (lambda df: df.assign(kas=["120000000", "seratus", "120000000"]), "kas", "tulis angka"),
        (
            lambda df: df.assign(nik=[df.nik[0], "3516999999999999", df.nik[2]]),
            "nik",
            "tidak terdaftar",
        ),
        (
            lambda df: df.assign(total_aset=[1, BALANCED["total_aset"], BALANCED["total_aset"]]),
            "total_aset",
            "tidak sama",
        ),
        (lambda df: df.assign(tahun_buku=["2025", "2025", "dua ribu"]), "tahun_buku", "tahun"),
    ],
)
def test_a_partly_bad_import_writes_nothing_and_lists_errors(
    client, dinas_with_register, spoil, column, words
):
    response = followed(client, import_csv(client, spoil(good_rows(dinas_with_register))))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and column in page and words in page
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_import_reports_cli_is_the_same_import(runner, dinas_with_register, tmp_path):
    path = tmp_path / "laporan.csv"
    good_rows(dinas_with_register).to_csv(path, index=False)
    result = runner.invoke(args=["import-reports", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 laporan diimpor" in result.output and "baris diperiksa" in result.output
    again = runner.invoke(args=["import-reports", str(path)])
    assert again.exit_code != 0 and "sudah ada laporan berstatus diajukan" in again.output


def test_import_errors_are_listed_in_row_order_when_a_later_row_is_read_first(
    make_cooperative, make_user
):
    """A 2025 row reads its cooperative's 2024 row further down the file for prior-year figures."""
    coop = make_cooperative("KSP Urutan", nik="3516000000000999")
    rows = [{"nik": coop.nik, **BALANCED, "tahun_buku": 2025, "kas": "seratus"},
            {"nik": "3516999999999998", **BALANCED},
            {"nik": coop.nik, **BALANCED, "tahun_buku": 2024, "kas": "dua"}]  # fmt: skip
    result = import_reports(make_user(Role.DINAS), pd.DataFrame(rows))
    lines = [e.baris for e in result.errors]
    assert lines == sorted(lines)
    assert {(2, "kas"), (3, "nik"), (4, "kas")} <= {(e.baris, e.kolom) for e in result.errors}
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_a_removed_attachment_leaves_the_disk_once_no_version_points_to_it(client, draft, app):
    from sikomo.reports import attachments

    upload(client, draft, PDF, "a.pdf")
    first = db.session.scalar(db.select(Attachment))
    path = attachments.path_of(first)
    twin = Attachment(report_id=first.report_id, filename="salinan.pdf", stored_name=first.stored_name,
                      content_type=first.content_type, size=first.size, sha256=first.sha256)  # fmt: skip
    db.session.add(twin)
    db.session.commit()
    attachments.remove(None, first)
    assert path.exists()  # another row still points to the file
    attachments.remove(None, twin)
    assert not path.exists()


def test_a_cooperative_beyond_its_attachment_quota_is_refused(client, draft, app):
    app.config["ATTACHMENT_QUOTA_MB"] = 0
    response = upload(client, draft, PDF, "a.pdf")
    assert "kuota lampiran" in response.get_data(as_text=True).lower()
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_an_attachment_loses_the_race_with_a_submission_of_the_same_version(
    draft, app, monkeypatch
):
    from sqlalchemy import update

    from sikomo.reports import attachments

    real_sniff = attachments.sniff

    def submitted_meanwhile(head):  # after the status check, before the attachment is written
        db.session.execute(update(Report.__table__).where(Report.__table__.c.id == draft.id)
                           .values(status=ReportStatus.DIAJUKAN, version_id=Report.__table__.c.version_id + 1))  # fmt: skip
        return real_sniff(head)

    monkeypatch.setattr(attachments, "sniff", submitted_meanwhile)
    files_before = set(attachments.upload_dir().iterdir())
    with pytest.raises(attachments.AttachmentError, match="baru saja diubah atau diajukan"):
        attachments.add(None, draft, io.BytesIO(PDF), "a.pdf", None)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert set(attachments.upload_dir().iterdir()) == files_before  # its file went too
