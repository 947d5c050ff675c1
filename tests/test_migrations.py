"""Upgrading an empty database works on SQLite and PostgreSQL and matches the models."""

import os

import pytest
from flask_migrate import check, upgrade
from sqlalchemy import create_engine, inspect, text
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
