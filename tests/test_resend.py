"""A form sent with an expired token comes back with what was typed and a one-click resend; a
token from another session, or none, gets the plain refusal and nothing is saved."""

import re

from flask import g

from sikomo.extensions import db
from sikomo.models import Role, User
from tests.conftest import as_user

TYPED = "Budi Santoso, S.E."


def token_of(client, url="/akun/profil") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def signed_in(app, user):
    """A client of its own for `user` (the test's app context outlives requests: forget what an
    earlier request cached in g, its user and its CSRF token)."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return as_user(app.test_client(), user)


def test_an_expired_form_comes_back_with_the_typed_text_and_can_be_resent(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(Role.PENGAWAS)
        client = signed_in(app, user)
        token = token_of(client)
        app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now past its time
        response = client.post("/akun/profil", data={"csrf_token": token, "name": TYPED, "nip": ""})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Formulir perlu dikirim ulang" in page
        assert TYPED in page and 'name="name" value="Budi Santoso, S.E."' in page
        assert db.session.get(User, user.id).name != TYPED
        app.config["WTF_CSRF_TIME_LIMIT"] = 3600
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        again = client.post("/akun/profil", data={"csrf_token": fresh, "name": TYPED, "nip": ""})
        assert again.status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).name == TYPED


def test_another_sessions_token_gets_no_resend_page(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        victim, attacker = (
            make_user(Role.PENGAWAS),
            make_user(Role.PENGAWAS, email="lain@contoh.test"),
        )
        borrowed = token_of(signed_in(app, attacker))
        client = signed_in(app, victim)
        token_of(client)  # the victim's session has its own CSRF secret
        app.config["WTF_CSRF_TIME_LIMIT"] = -1
        response = client.post("/akun/profil", data={"csrf_token": borrowed, "name": "Diretas"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "kedaluwarsa" in page.lower()
        assert "Kirim ulang" not in page and "Diretas" not in page


def test_a_missing_token_is_refused_in_indonesian(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = signed_in(app, make_user(Role.PENGAWAS))
        token_of(client)
        page = client.post("/akun/profil", data={"name": "X"}).get_data(as_text=True)
        assert "Token CSRF tidak ada; muat ulang halaman." in page and "Kirim ulang" not in page
