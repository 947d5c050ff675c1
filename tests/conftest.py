"""Shared fixtures. Only tests that ask for `app` (directly or via `client`) touch a database.

The database is SQLite in a temporary folder, or PostgreSQL when SIKOMO_TEST_DATABASE_URL is set
(`make test` sets it when a server is reachable). Tables are created once per session and emptied
after every test that used them.
"""

import os

import pytest
from sqlalchemy import text

from sikomo import create_app
from sikomo.extensions import db
from sikomo.models import Cooperative, Jenis, Region, Report, ReportStatus, Role, User


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("SIKOMO_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def test_config(database_url, tmp_path_factory):
    return {
        "TESTING": True,
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture(scope="session")
def _schema(test_config):
    app = create_app(test_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


@pytest.fixture
def make_app(test_config, _schema):
    """Build an app with extra config (e.g. CSRF or rate limit on); tables emptied afterwards."""
    apps = []

    def factory(**overrides):
        app = create_app({**test_config, **overrides})
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            db.session.remove()
            empty_tables()
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_region(app):
    def factory(kecamatan="Mojosari", desa=("Kauman", "Awang-Awang")):
        region = Region(kabupaten="Kabupaten Mojokerto", kecamatan=kecamatan, desa=list(desa))
        db.session.add(region)
        db.session.commit()
        return region

    return factory


@pytest.fixture
def make_cooperative(app, make_region):
    def factory(nama="KSP Sejahtera", region=None, **values):
        region = region or db.session.scalar(db.select(Region)) or make_region()
        values.setdefault("jenis", Jenis.KSP)
        values.setdefault("simpan_pinjam", values["jenis"] in (Jenis.KSP, Jenis.USP))
        coop = Cooperative(nama=nama, region_id=region.id, **values)
        db.session.add(coop)
        db.session.commit()
        return coop

    return factory


@pytest.fixture
def make_user(app):
    def factory(role=Role.DINAS, email=None, cooperative=None, active=True, password="rahasia-123"):
        user = User(
            name=f"Pengguna {role.value}",
            email=email or f"{role.value}@contoh.test",
            role=role,
            cooperative_id=cooperative.id if cooperative else None,
            active=active,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_report(app):
    def factory(cooperative, tahun_buku=2025, tanggal_rat="2026-03-01", **data):
        if tanggal_rat:
            data["tanggal_rat"] = tanggal_rat
        report = Report(
            cooperative_id=cooperative.id,
            tahun_buku=tahun_buku,
            status=ReportStatus.DISETUJUI,
            data={"tahun_buku": tahun_buku, **data},
        )
        db.session.add(report)
        db.session.commit()
        return report

    return factory


@pytest.fixture
def login_as(client, make_user, make_cooperative):
    """Log the test client in as a new user of `role` (a pengurus gets its own cooperative)."""

    def login(role: Role, cooperative=None):
        if role == Role.PENGURUS and cooperative is None:
            cooperative = make_cooperative("Koperasi Milik Pengurus")
        user = make_user(role, cooperative=cooperative)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return user

    return login
