"""Server-side sessions: a replayed cookie after logout signs nobody in, a sign-in starts a fresh
session, an idle session ends, and a user sees and ends their other sessions."""

from datetime import timedelta

from flask import g

from sikomo import create_app
from sikomo.extensions import db
from sikomo.models import AuditEvent, Role, UserSession, utcnow
from sikomo.sessions import operations as sessions
from tests.conftest import as_user

PASSWORD = "kopi tubruk di pasar sooko"


def signed_in_client(app, user, remember=True):
    g.pop("_login_user", None)
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "remember": "y" if remember else ""}
    assert client.post("/login", data=data).status_code == 302
    return client


def cookies_of(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def replay(app, cookies: dict[str, str]):
    g.pop("_login_user", None)
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get("/")


def test_cookies_replayed_after_logout_sign_nobody_in(app, make_user):
    user = make_user(Role.PENGAWAS, password=PASSWORD)
    client = signed_in_client(app, user)
    stolen = cookies_of(client)
    assert {"session", "remember_token"} <= set(stolen)
    assert replay(app, stolen).status_code == 200  # before logout the cookies work
    client.post("/logout")
    assert replay(app, stolen).status_code == 302  # the session cookie alone
    assert replay(app, {"remember_token": stolen["remember_token"]}).status_code == 302
    row = db.session.scalar(db.select(UserSession))
    assert row.ended_reason == sessions.LOGOUT
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.logout"))


def test_a_sign_in_starts_a_fresh_session(app, make_user):
    user = make_user(Role.DINAS, password=PASSWORD)
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "oleh orang lain"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and session["uid"] == user.id
        assert session["_user_id"] != str(user.id)  # a random token, never the id


def test_an_idle_session_ends_by_itself(app, make_user):
    user = make_user(Role.DINAS, password=PASSWORD)
    client = signed_in_client(app, user, remember=False)
    row = db.session.scalar(db.select(UserSession))
    row.last_seen = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    g.pop("_login_user", None)
    assert client.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).ended_reason == sessions.IDLE


def test_a_user_ends_their_other_sessions_and_no_one_elses(app, make_user):
    user = make_user(Role.DINAS, password=PASSWORD)
    phone, desk = signed_in_client(app, user), signed_in_client(app, user)
    g.pop("_login_user", None)
    page = desk.get("/akun/sesi/").get_data(as_text=True)
    assert page.count("sesi ini") == 1 and page.count(">Akhiri</button>") == 1
    phone_row = db.session.scalars(db.select(UserSession).order_by(UserSession.id)).first()
    g.pop("_login_user", None)
    assert desk.post(f"/akun/sesi/{phone_row.id}/akhiri").status_code == 302
    g.pop("_login_user", None)
    assert phone.get("/").status_code == 302
    g.pop("_login_user", None)
    assert desk.get("/").status_code == 200
    stranger = make_user(Role.PENGAWAS, email="lain@contoh.test")
    as_user(desk, stranger)
    target = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id,
                                                              UserSession.ended_at.is_(None))).first()  # fmt: skip
    desk.post(f"/akun/sesi/{target.id}/akhiri")
    db.session.expire_all()
    assert db.session.get(UserSession, target.id).ended_at is None  # not the stranger's to end


def test_ending_all_sessions_signs_out_every_device(app, make_user):
    user = make_user(Role.DINAS, password=PASSWORD)
    first, second = signed_in_client(app, user), signed_in_client(app, user)
    assert sessions.end_all(user, sessions.PASSWORD) == 2
    db.session.commit()
    for client in (first, second):
        g.pop("_login_user", None)
        assert client.get("/").status_code == 302


def test_cookies_are_secure_when_the_site_is_https(test_config):
    app = create_app({**test_config, "PUBLIC_URL": "https://sikomo.contoh.go.id"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    plain = create_app(test_config)
    assert not plain.config["SESSION_COOKIE_SECURE"] and not plain.config["REMEMBER_COOKIE_SECURE"]


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user(Role.PENGAWAS, password=PASSWORD)
    phone, desk = signed_in_client(app, user), signed_in_client(app, user)
    g.pop("_login_user", None)
    new = "sambal terasi dan nasi jagung"
    weak = desk.post(
        "/akun/kata-sandi",
        data={"current": PASSWORD, "new": "password1234", "again": "password1234"},
    )
    assert weak.status_code == 422 and "mudah ditebak" in weak.get_data(as_text=True)
    g.pop("_login_user", None)
    wrong = desk.post("/akun/kata-sandi", data={"current": "bukan ini", "new": new, "again": new})
    assert "Kata sandi sekarang salah." in wrong.get_data(as_text=True)
    g.pop("_login_user", None)
    done = desk.post("/akun/kata-sandi", data={"current": PASSWORD, "new": new, "again": new})
    assert done.status_code == 302
    g.pop("_login_user", None)
    assert phone.get("/").status_code == 302
    g.pop("_login_user", None)
    assert desk.get("/").status_code == 200
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.password"))
