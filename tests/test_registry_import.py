import io

import pytest
from openpyxl import Workbook, load_workbook

from sikomo.extensions import db
from sikomo.models import AuditEvent, Cooperative, Jenis, Role
from sikomo.registry.importer import COLUMNS, import_cooperatives
from tests.conftest import followed
from tests.statements import sent

HEADER = ",".join(COLUMNS)
GOOD_CSV = f"""{HEADER}
3516000000000001,KSP Maju,Mojosari,Kauman,ksp,ya,12/BH/2001,2001-05-17,Jl. Raya 1
,Koperasi Konsumen Guyub,mojosari,,Konsumen,tidak,,,
3516000000000002,KSU Berkah,MOJOSARI,Awang-Awang,serba usaha,1,,17/08/1999,
3516000000000003,Koperasi Wanita,Mojosari,,Unit Simpan Pinjam,TRUE,,,
"""


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def mojosari(make_region):
    return make_region("Mojosari")


def test_a_good_csv_creates_every_cooperative_with_an_audit_event(mojosari):
    result = import_cooperatives("uji", GOOD_CSV.encode(), "daftar.csv")
    assert result.ok, result.errors
    assert (result.created, result.updated) == (4, 0)
    ksu = db.session.scalar(db.select(Cooperative).where(Cooperative.nik == "3516000000000002"))
    assert ksu.jenis == Jenis.SERBA_USAHA and ksu.simpan_pinjam is True
    assert ksu.tanggal_badan_hukum.isoformat() == "1999-08-17"
    creates = db.select(AuditEvent).where(AuditEvent.action == "cooperative.create")
    assert len(db.session.scalars(creates).all()) == 4


def test_a_registered_nik_updates_that_cooperative(mojosari):
    import_cooperatives("uji", GOOD_CSV.encode(), "daftar.csv")
    changed = f"{HEADER}\n3516000000000001,KSP Maju Jaya,Mojosari,Kauman,ksp,ya,12/BH/2001,,\n"
    result = import_cooperatives("uji", changed.encode(), "ubah.csv")
    assert (result.created, result.updated) == (0, 1)
    assert count(Cooperative) == 4
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "cooperative.update")
    )
    assert event.before["nama"] == "KSP Maju" and event.after["nama"] == "KSP Maju Jaya"


def test_an_xlsx_file_imports_like_a_csv(mojosari):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([3516000000000009, "KSP Excel", "Mojosari", "Kauman", "Simpan Pinjam", 1,
                  None, None, None])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_cooperatives("uji", buffer.getvalue(), "daftar.xlsx")
    assert result.ok, result.errors
    coop = db.session.scalar(db.select(Cooperative))
    assert (coop.nik, coop.jenis, coop.simpan_pinjam) == ("3516000000000009", Jenis.KSP, True)


def test_partially_bad_rows_write_nothing_and_list_every_error(mojosari):
    bad = f"""{HEADER}
3516000000000001,KSP Baik,Mojosari,,ksp,ya,,,
12345,KSP NIK Pendek,Mojosari,,ksp,ya,,,
3516000000000004,,Atlantis,,bank,mungkin,,31-31-2020,
3516000000000001,KSP Kembar,Mojosari,,ksp,ya,,,
"""
    before = count(AuditEvent)
    result = import_cooperatives("uji", bad.encode(), "daftar.csv")
    assert not result.ok
    assert {(e.baris, e.kolom) for e in result.errors} == {
        (3, "nik"),
        (4, "nama"),
        (4, "kecamatan"),
        (4, "jenis"),
        (4, "simpan_pinjam"),
        (4, "tanggal_badan_hukum"),
        (5, "nik"),
    }
    assert "16 digit" in str(result.errors[0])
    assert count(Cooperative) == 0
    assert count(AuditEvent) == before


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"nama,kecamatan\nKSP,Mojosari\n", "kurang.csv", "Kolom tidak ditemukan."),
        (b"\x00\x01bukan excel", "rusak.xlsx", "Berkas tidak dapat dibaca"),
        (HEADER.encode() + b"\n", "kosong.csv", "Berkas tidak berisi data."),
        (b"apa saja", "daftar.pdf", "CSV atau XLSX"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(mojosari, content, filename, message):
    result = import_cooperatives("uji", content, filename)
    assert not result.ok
    assert any(message in e.pesan for e in result.errors)
    assert count(Cooperative) == 0


def test_upload_page_shows_errors_and_keeps_the_register_unchanged(client, login_as, mojosari):
    login_as(Role.DINAS)
    data = {"berkas": (io.BytesIO(f"{HEADER}\n1,X,Mojosari,,ksp,ya,,,\n".encode()), "a.csv")}
    response = followed(
        client, client.post("/koperasi/impor", data=data, content_type="multipart/form-data")
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "NIK harus tepat 16 digit angka." in body and "tidak ada data yang disimpan" in body
    assert count(Cooperative) == 0


def test_upload_page_imports_a_good_file(client, login_as, mojosari):
    user = login_as(Role.ADMIN)
    data = {"berkas": (io.BytesIO(GOOD_CSV.encode()), "daftar.csv")}
    response = client.post("/koperasi/impor", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(Cooperative) == 4
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "cooperative.import")
    )
    assert event.actor_id == user.id and event.after["dibuat"] == 4


def test_cli_import_reports_errors_and_writes_nothing(runner, mojosari, tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(f"{HEADER}\n3516000000000001,,Mojosari,,ksp,ya,,,\n")
    result = runner.invoke(args=["import-koperasi", str(path)])
    assert result.exit_code != 0
    assert "Baris 2, kolom nama: Wajib diisi." in result.output
    assert count(Cooperative) == 0


def test_cli_import_writes_a_good_file(runner, mojosari, tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(GOOD_CSV)
    result = runner.invoke(args=["import-koperasi", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 baru" in result.output


def test_exports_round_trip_through_the_importer(client, login_as, mojosari):
    import_cooperatives("uji", GOOD_CSV.encode(), "daftar.csv")
    login_as(Role.PENGAWAS)
    csv_body = client.get("/koperasi/ekspor.csv").data
    assert csv_body.decode("utf-8-sig").splitlines()[0] == HEADER.replace(",", ";")
    xlsx = load_workbook(io.BytesIO(client.get("/koperasi/ekspor.xlsx").data))
    assert xlsx.active.max_row == 5
    result = import_cooperatives("uji", csv_body, "ekspor.csv")
    assert result.ok and result.created == 1 and result.unchanged == 3  # the row without NIK


def test_export_follows_the_list_filters(client, login_as, mojosari):
    import_cooperatives("uji", GOOD_CSV.encode(), "daftar.csv")
    login_as(Role.DINAS)
    body = client.get("/koperasi/ekspor.csv?jenis=konsumen").data.decode("utf-8-sig")
    assert len(body.splitlines()) == 2 and "Guyub" in body


def statements_of_an_import(content: bytes) -> list[str]:
    """Every statement sent, except on SQLite the ORM's one INSERT per new cooperative (it needs
    the ids back in order there; PostgreSQL gets them from one multi-row INSERT)."""
    per_row = ("INSERT INTO cooperative ",) if db.engine.dialect.name == "sqlite" else ()
    with sent(skip=per_row) as seen:
        result = import_cooperatives("uji", content, "daftar.csv")
    assert result.ok, result.errors[:2]
    return seen


def register_file(start: int, n: int, nama: str = "KSP") -> bytes:
    rows = [f"3516{i:012d},{nama} {i},Mojosari,,ksp,ya,,," for i in range(start, start + n)]
    return "\n".join([HEADER, *rows, ""]).encode()


def test_an_import_sends_as_many_statements_for_40_rows_as_for_10(mojosari):
    """Lookups, inserts, updates and audit rows in bulk: no statement per row (issue: linear)."""
    new_few = statements_of_an_import(register_file(0, 10))
    new_many = statements_of_an_import(register_file(100, 40))
    assert len(new_many) == len(new_few), new_many
    changed_few = statements_of_an_import(register_file(0, 10, nama="KSP Baru"))
    changed_many = statements_of_an_import(register_file(100, 40, nama="KSP Baru"))
    assert len(changed_many) == len(changed_few), changed_many
    assert count(Cooperative) == 50
