"""A table too big to read is refused before it is parsed; a broken one gets a message, never a
server error. The limits are settings (UPLOAD_MAX_ROWS, UPLOAD_MAX_UNPACKED)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from sikomo import upload_limits
from sikomo.extensions import db
from sikomo.models import Cooperative, Report, ReportStatus, Role
from sikomo.registry.importer import read_table
from tests.conftest import followed


def bomb(rows: int) -> bytes:
    """An XLSX-shaped zip whose one sheet holds `rows` empty rows: a few KB that unpack to MBs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        sheet = b"<worksheet><sheetData>" + b'<row r="1"/>' * rows + b"</sheetData></worksheet>"
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def workbook(rows: int) -> bytes:
    book = Workbook()
    for i in range(rows):
        book.active.append([f"baris {i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_two_million_rows_in_a_small_file_are_refused_unread(app):
    content = bomb(2_000_000)
    assert len(content) < 200_000  # what arrives is small
    with (
        app.test_request_context(),
        pytest.raises(upload_limits.TooLarge, match="lebih dari 50.000 baris"),
    ):
        read_table(content, "daftar.xlsx")


@pytest.mark.parametrize(("rows", "refused"), [(3, False), (4, True)])
def test_the_row_limit_holds_at_its_edge(app, rows, refused):
    app.config["UPLOAD_MAX_ROWS"] = 3
    with app.test_request_context():
        if refused:
            with pytest.raises(upload_limits.TooLarge):
                upload_limits.check(workbook(rows), "a.xlsx")
            with pytest.raises(upload_limits.TooLarge):
                upload_limits.check(b"h\n" + b"x\n" * rows, "a.csv")
        else:
            upload_limits.check(workbook(rows), "a.xlsx")
            upload_limits.check(b"h\n" + b"x\n" * rows, "a.csv")


def test_a_file_that_unpacks_beyond_the_limit_is_refused(app):
    app.config["UPLOAD_MAX_UNPACKED"] = 1024 * 1024
    with (
        app.test_request_context(),
        pytest.raises(upload_limits.TooLarge, match="paling besar 1 MB"),
    ):
        upload_limits.check(bomb(200_000), "a.xlsx")


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "a.csv"), (b"\xff\xfe\x00bukan", "a.csv"), (b"PK\x03\x04rusak", "a.xlsx"), (b"", "a.xlsx"),
     (bomb(10), "a.xlsx")],
)  # fmt: skip
def test_a_broken_file_is_a_message_on_both_imports(client, login_as, content, name):
    login_as(Role.DINAS)
    for url in ("/koperasi/impor", "/laporan/impor"):
        data = {"berkas": (io.BytesIO(content), name)}
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code in (302, 422), url
        if response.status_code == 302:
            page = followed(client, response).get_data(as_text=True)
            assert "dibatalkan" in page, url
    assert db.session.scalar(db.select(db.func.count(Cooperative.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_a_bomb_sent_as_a_rat_template_is_refused_with_the_reason(
    client, login_as, make_cooperative, make_report
):
    coop = make_cooperative()
    report = make_report(coop, 2025)
    report.status = ReportStatus.DRAF
    db.session.commit()
    login_as(Role.PENGURUS, cooperative=coop)
    data = {"berkas": (io.BytesIO(bomb(2_000_000)), "isi.xlsx"), "version_id": report.version_id}
    response = client.post(
        f"/laporan/{report.id}/unggah", data=data, content_type="multipart/form-data"
    )
    assert "lebih dari 50.000 baris" in followed(client, response).get_data(as_text=True)
