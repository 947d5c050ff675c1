"""User administration: the account lifecycle, one-time links, policy, rights and matching."""

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from sikomo.extensions import db
from sikomo.models import AccountLink, AuditEvent, LinkPurpose, OutboxMessage, Role, User, utcnow
from sikomo.users import links
from tests.conftest import as_user, followed

GOOD_PASSWORD = "kerbau merah makan tahu goreng"


def link_token(html: str) -> str:
    match = re.search(r'value="[^"]*/akun/tautan/([A-Za-z0-9_-]+)"', html)
    assert match, "the page shows the one-time link"
    return match.group(1)


def create(client, **fields):
    data = {"name": "Siti Aminah", "email": "siti@contoh.test", "role": "pengurus",
            "koperasi": "", "nip": "", "jabatan": ""} | fields  # fmt: skip
    return client.post("/pengguna/baru", data=data)


def actions(user_id: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if user_id is not None:
        query = query.where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id))
    return list(db.session.scalars(query))


@pytest.fixture
def dinas(client, make_user):
    user = make_user(Role.DINAS, email="kabid@contoh.test")
    as_user(client, user)
    return user


def test_a_pengurus_is_invited_sets_a_password_once_and_signs_in(client, dinas, make_cooperative):
    coop = make_cooperative("KSP Maju Bersama", nik="3516010000000001")
    page = create(client, koperasi="3516010000000001")
    assert page.status_code == 200, page.text
    user = db.session.scalar(select(User).where(User.email == "siti@contoh.test"))
    assert user.role == Role.PENGURUS and user.cooperative_id == coop.id
    assert not user.check_password("")  # no password until the invitation is used
    token = link_token(page.text)
    row = db.session.scalar(select(AccountLink).where(AccountLink.user_id == user.id))
    assert row.purpose == LinkPurpose.UNDANGAN and row.token_hash == links.digest(token)
    assert token not in row.token_hash
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id))
    assert mail.recipient_email == "siti@contoh.test" and f"/akun/tautan/{token}" in mail.body
    assert ["user.create", "user.link_undangan"] == actions(user.id)

    client.post("/logout")
    form = client.get(f"/akun/tautan/{token}")
    assert form.status_code == 200 and "Selamat datang" in form.text
    assert form.headers["Cache-Control"] == "no-store"
    done = client.post(f"/akun/tautan/{token}", data={"new": GOOD_PASSWORD, "again": GOOD_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(GOOD_PASSWORD)
    again = client.post(
        f"/akun/tautan/{token}", data={"new": GOOD_PASSWORD + "x", "again": GOOD_PASSWORD + "x"}
    )
    assert again.status_code == 410 and "tidak berlaku" in again.text
    signed_in = client.post("/login", data={"email": "siti@contoh.test", "password": GOOD_PASSWORD})
    assert signed_in.status_code == 302


def test_an_expired_or_replaced_link_is_refused(client, dinas, make_user):
    user = make_user(Role.PENGAWAS, email="awas@contoh.test")
    first = link_token(client.post(f"/pengguna/{user.id}/tautan").text)
    second = link_token(client.post(f"/pengguna/{user.id}/tautan").text)
    assert client.get(f"/akun/tautan/{first}").status_code == 410  # the newer one replaced it
    assert client.get(f"/akun/tautan/{second}").status_code == 200
    row = db.session.scalar(
        select(AccountLink).where(AccountLink.token_hash == links.digest(second))
    )
    assert row.purpose == LinkPurpose.RESET  # the account has a password: a reset, 2 hours
    assert timedelta(hours=1, minutes=59) < row.expires_at_aware - utcnow() <= timedelta(hours=2)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/akun/tautan/{second}").status_code == 410
    assert client.get("/akun/tautan/bukan-token").status_code == 410


@pytest.mark.parametrize(
    ("password", "message"),
    [("pendek-saja", "paling sedikit 12"), ("password123456", "mudah ditebak"),
     ("siti aminah kuat", "nama atau email")],
)  # fmt: skip
def test_a_link_refuses_a_weak_password_and_stays_usable(client, dinas, password, message):
    token = link_token(create(client, role="pengawas").text)
    refused = client.post(f"/akun/tautan/{token}", data={"new": password, "again": password})
    assert refused.status_code == 422 and message in refused.text.lower()
    assert client.get(f"/akun/tautan/{token}").status_code == 200


def test_deactivating_ends_every_session_and_sign_in(client, dinas, make_user):
    user = make_user(Role.PENGAWAS, email="awas@contoh.test", password=GOOD_PASSWORD)
    other = client.application.test_client()
    as_user(other, user)
    assert other.get("/penilaian/").status_code == 200
    as_user(client, dinas)
    done = followed(client, client.post(f"/pengguna/{user.id}/status", data={"aktif": "tidak"}))
    assert "dinonaktifkan" in done.text
    db.session.expire_all()
    assert not db.session.get(User, user.id).active
    g.pop("_login_user", None)  # the test app context outlives requests
    assert other.get("/penilaian/").status_code in (302, 401)
    g.pop("_login_user", None)
    assert client.post(f"/pengguna/{user.id}/tautan").status_code == 302  # no link for it
    followed(client, client.post(f"/pengguna/{user.id}/status", data={"aktif": "ya"}))
    db.session.expire_all()
    assert db.session.get(User, user.id).active
    assert actions(user.id)[-2:] == ["user.deactivate", "user.activate"]


def test_no_one_deactivates_themselves_or_the_last_admin(client, make_user):
    admin = make_user(Role.ADMIN, email="admin@contoh.test")
    as_user(client, admin)
    page = followed(client, client.post(f"/pengguna/{admin.id}/status", data={"aktif": "tidak"}))
    assert "sendiri" in page.text
    second = make_user(Role.ADMIN, email="admin2@contoh.test")
    followed(client, client.post(f"/pengguna/{second.id}/status", data={"aktif": "tidak"}))
    edit = client.post(f"/pengguna/{admin.id}", data={"name": admin.name, "email": admin.email,
                                                       "role": "dinas"})  # fmt: skip
    assert edit.status_code == 422 and "peran Anda sendiri" in edit.text
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_a_dinas_user_cannot_touch_or_make_an_admin(client, dinas, make_user):
    admin = make_user(Role.ADMIN, email="admin@contoh.test")
    assert client.get(f"/pengguna/{admin.id}").status_code == 404
    assert client.post(f"/pengguna/{admin.id}/status", data={"aktif": "tidak"}).status_code == 404
    assert "admin@contoh.test" not in client.get("/pengguna/").text
    refused = create(client, role="admin")
    assert refused.status_code == 422
    assert db.session.scalar(select(User).where(User.email == "siti@contoh.test")) is None


@pytest.mark.parametrize("role", [Role.PENGURUS, Role.PENGAWAS])
def test_pengurus_and_pengawas_cannot_reach_the_account_pages(
    client, make_user, make_cooperative, role
):
    coop = make_cooperative() if role == Role.PENGURUS else None
    user = make_user(role, cooperative=coop)
    as_user(client, user)
    for path in ("/pengguna/", "/pengguna/baru", f"/pengguna/{user.id}"):
        assert client.get(path).status_code == 403
    assert client.post(f"/pengguna/{user.id}/tautan").status_code == 403


def test_a_pengurus_is_linked_by_name_choosing_among_several(client, dinas, make_cooperative):
    make_cooperative("KSP Sumber Rejeki")
    wanted = make_cooperative("KSP Sumber Rejeki Abadi")
    make_cooperative("Koperasi Tani Makmur")
    several = create(client, koperasi="sumber rejeki")
    assert several.status_code == 422 and "2 koperasi cocok" in several.text
    assert "KSP Sumber Rejeki Abadi" in several.text and "Tani Makmur" not in several.text
    chosen = create(client, koperasi="sumber rejeki", pilih_koperasi=str(wanted.id))
    assert chosen.status_code == 200
    user = db.session.scalar(select(User).where(User.email == "siti@contoh.test"))
    assert user.cooperative_id == wanted.id
    none = create(client, email="lain@contoh.test", koperasi="tidak ada yang begini")
    assert none.status_code == 422 and "Tidak ada koperasi" in none.text
    blank = create(client, email="lain@contoh.test", koperasi="")
    assert blank.status_code == 422 and "wajib terikat" in blank.text


def test_editing_an_account_is_audited_and_a_new_cooperative_ends_its_sessions(
    client, dinas, make_user, make_cooperative
):
    old, new = make_cooperative("KSP Lama"), make_cooperative("KSP Baru", nik="3516010000000009")
    user = make_user(Role.PENGURUS, email="urus@contoh.test", cooperative=old)
    other = client.application.test_client()
    as_user(other, user)
    as_user(client, dinas)
    data = {"name": "Pak Urus", "email": "urus@contoh.test", "role": "pengurus",
            "koperasi": "3516010000000009"}  # fmt: skip
    followed(client, client.post(f"/pengguna/{user.id}", data=data))
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.name, user.cooperative_id) == ("Pak Urus", new.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.edit"))
    assert event.before == {"name": "Pengguna pengurus", "cooperative_id": old.id}
    assert event.after["cooperative_id"] == new.id and event.after["sesi_diakhiri"] == 1
    g.pop("_login_user", None)
    assert other.get(f"/koperasi/{old.id}").status_code in (302, 401)
    g.pop("_login_user", None)
    taken = client.post(f"/pengguna/{user.id}", data=data | {"email": dinas.email})
    assert taken.status_code == 422 and "sudah dipakai" in taken.text


def test_the_list_filters_by_words_role_and_state(client, dinas, make_user):
    make_user(Role.PENGAWAS, email="budi.santoso@contoh.test")
    make_user(Role.PENGAWAS, email="ani@contoh.test", active=False)
    assert "budi.santoso" in client.get("/pengguna/?q=santoso").text
    assert "ani@contoh" not in client.get("/pengguna/?q=santoso").text
    inactive = client.get("/pengguna/?status=nonaktif").text
    assert "ani@contoh" in inactive and "budi.santoso" not in inactive
    assert client.get("/pengguna/?peran=bukan&status=x&page=99999999999").status_code == 200


def test_forgot_password_answers_alike_and_mails_a_reset_link(client, make_user):
    user = make_user(Role.PENGAWAS, email="awas@contoh.test")
    known = client.post("/akun/lupa-kata-sandi", data={"email": "AWAS@contoh.test "})
    said = followed(client, known).text
    unknown = client.post("/akun/lupa-kata-sandi", data={"email": "siapa@contoh.test"})
    assert followed(client, unknown).text == said and "Jika email itu terdaftar" in said
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient_email for m in mails] == ["awas@contoh.test"]
    token = re.search(r"/akun/tautan/([A-Za-z0-9_-]+)", mails[0].body).group(1)
    assert client.get(f"/akun/tautan/{token}").status_code == 200
    assert actions(user.id) == ["user.link_reset"]


@pytest.mark.parametrize(("typed", "stored", "error"), [
    ("1975 0101 2000 0310 01", "197501012000031001", None),
    ("", None, None),
    ("19750101", None, "NIP terdiri atas 18 angka."),
])  # fmt: skip
def test_a_staff_nip_is_18_digits_spaces_removed(client, dinas, typed, stored, error):
    page = create(client, role="pengawas", email="nip@contoh.test", nip=typed)
    user = db.session.scalar(select(User).where(User.email == "nip@contoh.test"))
    if error:
        assert page.status_code == 422 and error in page.text and user is None
    else:
        assert page.status_code == 200 and user.nip == stored
