"""flask --app sikomo backup DIR, then restore: every table and every attachment file comes back
as it was, on SQLite and PostgreSQL; a damaged backup is refused and changes nothing."""

import hashlib
import io
import re
from pathlib import Path

import pytest

from sikomo.extensions import db
from sikomo.models import ReportStatus, Role
from sikomo.reports import attachments
from tests.conftest import empty_tables

PDF = b"%PDF-1.4\n" + b"isi berita acara RAT " * 200


@pytest.fixture
def office(app, make_cooperative, make_report, make_user, runner):
    coop = make_cooperative("KSP =Cadangan", nik="3516000000000321")
    report = make_report(coop, 2025, kas=1_250_000)
    report.status = ReportStatus.DRAF
    pengurus = make_user(Role.PENGURUS, cooperative=coop)
    db.session.commit()
    attachments.add(pengurus, report, io.BytesIO(PDF), "ba-rat.pdf", "Berita acara")
    return runner


def snapshot() -> dict:
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(db.select(table)).all()
        tables[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    root = attachments.upload_dir()
    files = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in root.rglob("*") if p.is_file()}  # fmt: skip
    return {"tables": tables, "files": files}


def test_a_backup_restores_every_table_and_file_after_the_data_is_gone(office, tmp_path):
    before = snapshot()
    assert before["files"] and before["tables"]["audit_event"]
    made = office.invoke(args=["backup", str(tmp_path)])
    assert made.exit_code == 0, made.output
    folder = Path(re.search(r"Cadangan tersimpan: (\S+)", made.output)[1])
    db.session.remove()
    empty_tables()  # the disaster: every row gone, and the files
    for path in attachments.upload_dir().rglob("*"):
        if path.is_file():
            path.unlink()
    assert snapshot() != before
    restored = office.invoke(args=["restore", str(folder), "--ya"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert snapshot() == before
    assert office.invoke(args=["verify-audit"]).exit_code == 0  # the chain came back whole


def test_a_damaged_backup_is_refused_and_nothing_changes(office, tmp_path):
    folder = Path(re.search(r"Cadangan tersimpan: (\S+)",
                            office.invoke(args=["backup", str(tmp_path)]).output)[1])  # fmt: skip
    with (folder / "lampiran.tar").open("ab") as damaged:
        damaged.write(b"x")
    before = snapshot()
    result = office.invoke(args=["restore", str(folder), "--ya"])
    assert result.exit_code != 0 and "rusak" in result.output
    assert snapshot() == before


def test_a_folder_that_is_no_backup_is_refused(office, tmp_path):
    result = office.invoke(args=["restore", str(tmp_path), "--ya"])
    assert result.exit_code != 0 and "bukan folder cadangan" in result.output
