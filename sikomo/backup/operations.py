"""Write and read back a backup folder (see sikomo/backup/__init__.py)."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from sikomo.extensions import db
from sikomo.reports.attachments import upload_dir

MANIFEST = "manifest.json"
SQLITE_FILE, DUMP_FILE, FILES = "database.sqlite3", "database.dump", "lampiran.tar"


class BackupError(RuntimeError):
    """A backup that cannot be written or restored; the message says why, in Indonesian."""


def revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001  (a database made by create_all has no alembic table)
        db.session.rollback()
        return None


def row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}  # fmt: skip


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def libpq_url() -> tuple[str, dict[str, str]]:
    """The database URL as pg_dump and pg_restore take it (no driver suffix), and the password
    as PGPASSWORD for their environment rather than on their command line."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    secret = {"PGPASSWORD": url.password} if url.password else {}
    return url.set(password=None).render_as_string(hide_password=False), secret


def backup(folder: Path) -> Path:
    """Write a new backup into `folder`; return its own folder."""
    target = Path(folder) / f"sikomo-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    target.mkdir(parents=True, exist_ok=False)
    dialect = db.engine.dialect.name
    counts = row_counts()
    if dialect == "sqlite":
        with sqlite3.connect(target / SQLITE_FILE) as copy:
            db.session.connection().connection.driver_connection.backup(copy)
        database = SQLITE_FILE
    elif dialect == "postgresql":
        url, secret = libpq_url()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target / DUMP_FILE}", url],
            secret,
        )
        database = DUMP_FILE
    else:
        raise BackupError(f"Basis data {dialect} belum didukung.")
    root = upload_dir()
    with tarfile.open(target / FILES, "w") as archive:
        if root.exists():
            archive.add(root, arcname="lampiran")
    manifest = {
        "dibuat": datetime.now(UTC).isoformat(), "basis_data": dialect, "revisi": revision(),
        "baris": counts, "berkas": {name: sha256(target / name) for name in (database, FILES)},
    }  # fmt: skip
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return target


def restore(source: Path) -> dict:
    """Replace the database and the attachments with the backup in `source`; return its manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(
            f"{source} bukan folder cadangan SIKOMO (tidak ada {MANIFEST})."
        ) from None
    for name, expected in manifest["berkas"].items():
        if not (source / name).exists() or sha256(source / name) != expected:
            raise BackupError(f"Berkas {name} rusak atau hilang: cadangan tidak dipulihkan.")
    dialect = db.engine.dialect.name
    if manifest["basis_data"] != dialect:
        raise BackupError(f"Cadangan ini dari {manifest['basis_data']}, bukan {dialect}.")
    if manifest["revisi"] != revision():
        raise BackupError(f"Cadangan ini pada revisi skema {manifest['revisi']}, basis data pada "
                          f"{revision()}: pulihkan ke basis data kosong pada revisi yang sama.")  # fmt: skip
    db.session.remove()
    if dialect == "sqlite":
        with sqlite3.connect(source / SQLITE_FILE) as copy:
            raw = db.engine.raw_connection()
            try:
                copy.backup(raw.driver_connection)
            finally:
                raw.close()
    else:
        url, secret = libpq_url()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={url}", str(source / DUMP_FILE)], secret)  # fmt: skip
    db.engine.dispose()
    _restore_files(source / FILES, upload_dir())
    return manifest


def _restore_files(archive_path: Path, root: Path) -> None:
    staging = root.with_name(root.name + ".pulih")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive_path) as archive:
        archive.extractall(staging, filter="data")  # no path outside the folder, no devices
    restored = staging / "lampiran"
    shutil.rmtree(root, ignore_errors=True)
    if restored.exists():
        restored.rename(root)
    else:
        root.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)


def _run(command: list[str], secret: dict[str, str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600,
                       env=os.environ | secret)  # fmt: skip
    except FileNotFoundError:
        raise BackupError(f"{command[0]} tidak ditemukan: pasang postgresql-client.") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} gagal: {exc.stderr.strip()[:500]}") from None
