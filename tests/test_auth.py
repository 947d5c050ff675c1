import pytest

from sikomo.extensions import db
from sikomo.models import AuditEvent, Role, User
from tests.conftest import as_user

PASSWORD = "rahasia-123"  # make_user's default


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password}, **extra)


def test_login_with_the_right_password_opens_the_dashboard(client, make_user):
    make_user(Role.DINAS, email="dinas@contoh.test")
    response = login(client, "DINAS@contoh.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_in_indonesian(client, make_user):
    make_user(Role.DINAS, email="dinas@contoh.test")
    response = login(client, "dinas@contoh.test", "salah-sekali")
    assert response.status_code == 200
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_inactive_user_cannot_log_in(client, make_user):
    make_user(Role.DINAS, email="dinas@contoh.test", active=False)
    assert login(client, "dinas@contoh.test").status_code == 200
    assert client.get("/").status_code == 302


def test_passwords_are_stored_hashed(app, make_user):
    user = make_user(Role.ADMIN)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:", "$argon2"))


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/koperasi/", "/koperasi/"), ("https://jahat.test/", "/"), ("//jahat.test", "/"),
     ("////jahat.test", "/"), ("/\\jahat.test", "/"), ("/\tjahat", "/"), ("/x\r\nSet-Cookie: a=b", "/"),
     ("/laporan/?tahun=2025", "/laporan/?tahun=2025"), ("koperasi/", "/"), ("", "/")],
)  # fmt: skip
def test_login_follows_next_only_within_the_site(client, make_user, next_url, expected):
    make_user(Role.DINAS, email="dinas@contoh.test")
    response = login(client, "dinas@contoh.test", query_string={"next": next_url})
    assert response.headers["Location"] == expected


def test_a_pengurus_lands_on_its_reports(client, login_as):
    user = login_as(Role.PENGURUS)
    response = client.get("/")
    assert response.headers["Location"] == "/laporan/"
    assert user.cooperative.nama in client.get("/laporan/").get_data(as_text=True)


def test_logout_ends_the_session(client, login_as):
    login_as(Role.ADMIN)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_is_audited(client, make_user):
    user = make_user(Role.DINAS, email="dinas@contoh.test")
    login(client, "dinas@contoh.test")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.login"))
    assert event.actor_id == user.id


def test_csrf_token_is_required_on_forms(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(Role.DINAS, email="dinas@contoh.test")
        client = app.test_client()
        assert login(client, "dinas@contoh.test").status_code == 400
        assert client.get("/").status_code == 302


def test_csrf_protects_registry_changes(make_app, make_user, make_region):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(Role.DINAS)
        region = make_region()
        client = app.test_client()
        as_user(client, user)
        data = {"nama": "KSP Tanpa Token", "region_id": region.id, "jenis": "ksp"}
        assert client.post("/koperasi/baru", data=data).status_code == 400
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 0


def test_create_user_command_hashes_the_password(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--name",
            "Ani",
            "--email",
            "ani@contoh.test",
            "--role",
            "dinas",
            "--password",
            "kata-sandi-kuat",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "ani@contoh.test"))
    assert user.role == Role.DINAS and user.check_password("kata-sandi-kuat")


def test_create_user_refuses_a_pengurus_without_cooperative(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--name",
            "Budi",
            "--email",
            "budi@contoh.test",
            "--role",
            "pengurus",
            "--password",
            "kata-sandi-kuat",
        ]  # fmt: skip
    )
    assert result.exit_code != 0
    assert "Pengurus wajib terikat" in result.output
