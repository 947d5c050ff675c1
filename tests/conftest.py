"""Shared fixtures. Only tests that ask for `app` (directly or via `client`) touch a database.

The database is SQLite in a temporary folder, or PostgreSQL when SIKOMO_TEST_DATABASE_URL is set
(`make test` sets it when a server is reachable). Tables are created once per session and emptied
after every test that used them.
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g
from hypothesis import settings
from sqlalchemy import text

import scoring
from sikomo import audit_guard, create_app
from sikomo.assessments import new_assessment, run_engine
from sikomo.extensions import db
from sikomo.models import (
    AssessmentStatus,
    Cooperative,
    Jenis,
    Region,
    Report,
    ReportStatus,
    Role,
    User,
)
from sikomo.sessions import operations as sessions

# Random examples locally; on CI the same examples every run, so a landing never hangs on luck.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


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
    """Empty every table; the audit trail's guard is lifted for it and put back (audit_guard)."""
    tables = list(reversed(db.metadata.sorted_tables))
    drop, create = audit_guard.lifted(db.session.connection())
    for statement in drop:
        db.session.execute(statement)
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    for statement in create:
        db.session.execute(statement)
    db.session.execute(text(audit_guard.HEAD_ROW))  # as the table's creation leaves it
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
        as_user(client, user)
        return user

    return login


def as_user(client, user):
    """Log the test client in as `user` (a new server-side session, as a sign-in makes), also
    after another user's requests in the same test."""
    with client.session_transaction() as session:
        session["_user_id"] = signed_in_token(user)
        session["uid"] = user.id
        session["_fresh"] = True
    g.pop("_login_user", None)  # the test app context outlives requests
    return client


def signed_in_token(user) -> str:
    """The token of a new live session of `user`, as the login view starts one."""
    token = sessions.start(user)
    db.session.commit()
    return token


# --- Review (pengawas) fixtures -------------------------------------------------------------
SAMPLE_REPORT = Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json"


def all_answers(value: bool = True) -> dict[str, bool]:
    """Every questionnaire item of the current method answered `value`."""
    ruleset = scoring.builtin_rulesets()["permenkop_9_2020"]
    return {i.code: value for ind in ruleset.indicators if ind.enabled for i in ind.items}


@pytest.fixture
def make_submitted(make_cooperative, make_report):
    """A submitted (diajukan) KSP report on the sample figures; every item answered 'ya'.

    With these figures the engine gives 92,19 (sehat); all tata kelola items 'tidak' give 69,69.
    """

    def factory(cooperative=None, tahun_buku=2025, answers=None, **data):
        coop = cooperative or make_cooperative()
        sample = json.loads(SAMPLE_REPORT.read_text())
        sample.pop("tahun_buku")
        sample["kuesioner"] = all_answers() if answers is None else answers
        report = make_report(coop, tahun_buku, **(sample | data))
        report.status = ReportStatus.DIAJUKAN
        report.submitted_at = datetime.now(UTC)
        db.session.commit()
        return report

    return factory


@pytest.fixture
def make_approved(make_submitted):
    """An approved report with an approved engine assessment (optionally another predikat)."""

    def factory(cooperative=None, tahun_buku=2024, predikat=None, **data):
        report = make_submitted(cooperative, tahun_buku, **data)
        row = new_assessment(report, run_engine(report), AssessmentStatus.APPROVED)
        if predikat is not None:
            row.predikat = row.engine_predikat = predikat
        report.status = ReportStatus.DISETUJUI
        db.session.add(row)
        db.session.commit()
        return row

    return factory


# --- API fixtures ---------------------------------------------------------------------------
@pytest.fixture
def make_token(app):
    """Issue an API token for a cooperative; returns the secret (as shown once to the Dinas)."""
    from sikomo.tokens.operations import issue

    def factory(cooperative, name="Aplikasi akuntansi"):
        return issue("test", cooperative, name).secret

    return factory


def followed(client, response):
    """The page a post/redirect/get answer sends the browser to (the POST must redirect)."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"])
