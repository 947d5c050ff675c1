"""Upgrading an empty database works on SQLite and PostgreSQL and matches the models."""

import os
from datetime import UTC, date, datetime

import pytest
from flask_migrate import check, upgrade
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.engine import make_url

from sikomo import create_app, normalise_database_url
from sikomo.extensions import db

EXPECTED_TABLES = {
    "region", "cooperative", "user", "report", "assessment", "audit_event", "setting", "pdrb",
    "target", "alembic_version",
}  # fmt: skip


def upgrade_and_check(url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        check()  # exits non-zero if the models and the migrations disagree
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert EXPECTED_TABLES <= tables


def test_upgrade_from_empty_on_sqlite(tmp_path):
    upgrade_and_check("sqlite:///" + str(tmp_path / "empty.db"))


@pytest.fixture
def empty_postgres_url():
    base = os.environ.get("SIKOMO_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("PostgreSQL not configured (SIKOMO_TEST_DATABASE_URL)")
    url = make_url(normalise_database_url(base))
    name = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_on_postgresql(empty_postgres_url):
    upgrade_and_check(empty_postgres_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "empty.db")
    return request.getfixturevalue("empty_postgres_url")


def test_the_facts_migration_computes_the_facts_of_the_records_there(empty_url):
    """Upgrading a database that already holds reports fills the indicator facts."""
    url = empty_url
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="22895746026a")  # the revision before the facts table
        with db.engine.begin() as conn:
            table = dict.fromkeys(("region", "cooperative", "report"))
            for name in table:
                table[name] = Table(name, MetaData(), autoload_with=conn)
            now = datetime(2026, 1, 1, tzinfo=UTC)
            conn.execute(insert(table["region"]), [{"id": 1, "kabupaten": "K", "kecamatan": "Pacet",
                                                    "desa": []}])  # fmt: skip
            conn.execute(insert(table["cooperative"]), [{"id": 1, "nama": "KSP", "region_id": 1,
                         "jenis": "ksp", "simpan_pinjam": True, "created_at": now,
                         "updated_at": now}])  # fmt: skip
            conn.execute(insert(table["report"]), [
                {"cooperative_id": 1, "tahun_buku": tb, "version": 1, "status": "disetujui",
                 "imported": False, "data": {}, "created_at": now, "updated_at": now,
                 "version_id": 1, "tanggal_rat": date(tb + 1, 3, 1), "volume_usaha": volume,
                 "counted_latest": True}
                for tb, volume in ((2024, 80), (2025, 100))
            ])  # fmt: skip
        upgrade()
        rows = db.session.execute(text("SELECT year, streak, volume FROM indicator_fact")).all()
        db.session.remove()
        db.engine.dispose()
    assert sorted(tuple(r) for r in rows) == [(2025, 1, 80), (2026, 2, 100), (2027, 0, 0)]
