import pytest

from sikomo import create_app, normalise_database_url


def test_test_config_overrides_defaults():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_without_config_the_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert not app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/sikomo.db")


def test_database_url_environment_variable_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/sikomo")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/sikomo"


def test_plain_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_missing_secret_key_stops_the_start_outside_debug(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY belum diatur"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})


def test_in_debug_a_missing_secret_key_is_replaced_by_a_random_one(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


def test_session_cookie_settings_are_safe():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600


def test_prefixed_environment_variables_configure_the_app(monkeypatch):
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "true")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [("get", "/publik/?q=KSP%00", {}), ("post", "/login", {"data": {"email": "a\x00@b.id"}}),
     ("post", "/api/v1/reports", {"json": {"tahun_buku": 2025, "jenis": "ksp\x00"}})],
)  # fmt: skip
def test_a_nul_character_is_refused_before_any_view_not_a_server_error(client, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400


def test_sqlite_reads_while_another_connection_writes(app):
    """WAL: a page reads during a long import transaction instead of waiting or failing."""
    from sqlalchemy import text

    from sikomo.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as writer, db.engine.connect() as reader:
        assert writer.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        writer.execute(text("CREATE TABLE IF NOT EXISTS wal_probe (x INTEGER)"))
        writer.commit()
        writer.execute(text("INSERT INTO wal_probe VALUES (1)"))  # holds the write lock
        reader.execute(text("PRAGMA busy_timeout=100"))
        assert reader.execute(text("SELECT count(*) FROM wal_probe")).scalar() == 0
        writer.rollback()
