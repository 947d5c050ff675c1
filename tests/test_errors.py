"""Races and broken sessions: a unique-constraint race gets the conflict answer, a double click on
Mulai lands on the one draft, and the error page renders over a broken database session."""

from sqlalchemy import text

from sikomo.extensions import db
from sikomo.models import Report, Role
from sikomo.reports import operations as ops


def test_a_second_mulai_in_the_same_instant_lands_on_the_same_draft(client, login_as, monkeypatch):
    user = login_as(Role.PENGURUS)
    first = ops.start(user, user.cooperative, 2025)
    monkeypatch.setattr(
        ops, "latest", lambda *a: None if not calls.append(1) and len(calls) == 1 else first
    )
    calls: list[int] = []
    again = ops.start(user, user.cooperative, 2025)  # it did not see the first: the insert clashes
    assert again.id == first.id
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1


def test_a_unique_race_anywhere_answers_with_the_conflict_message(app, client, login_as):
    @app.post("/_uji/ganda")
    def twice():
        db.session.execute(
            text("INSERT INTO region (kabupaten, kecamatan, desa) VALUES ('K', 'Ganda', '[]')")
        )
        db.session.execute(
            text("INSERT INTO region (kabupaten, kecamatan, desa) VALUES ('K', 'Ganda', '[]')")
        )
        return "tidak sampai di sini"

    login_as(Role.DINAS)
    response = client.post("/_uji/ganda")
    assert response.status_code == 409 and "klik ganda" in response.get_data(as_text=True)


def test_the_error_page_renders_over_a_broken_session(app, client, login_as):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_uji/rusak")
    def broken():
        try:
            db.session.execute(text("SELECT * FROM tabel_yang_tidak_ada"))
        except Exception:  # noqa: BLE001
            pass  # the session is now in a failed transaction on PostgreSQL, and not rolled back
        raise RuntimeError("galat di tengah permintaan")

    login_as(Role.DINAS)
    response = client.get("/_uji/rusak")
    assert response.status_code == 500 and "Terjadi kesalahan pada server." in response.get_data(
        as_text=True
    )


def test_text_longer_than_its_column_is_refused_alike_on_both_databases(app):
    import pytest

    from sikomo.lengths import TooLong
    from sikomo.models import Region

    db.session.add(Region(kabupaten="Mojokerto", kecamatan="x" * 101))
    with pytest.raises(TooLong, match="kecamatan: paling banyak 100"):
        db.session.flush()
    db.session.rollback()


def test_an_overlong_register_row_is_named_in_the_import(client, login_as, make_region):
    from sikomo.registry.importer import import_cooperatives

    make_region("Mojosari")
    header = (
        "nik,nama,kecamatan,desa,jenis,simpan_pinjam,nomor_badan_hukum,tanggal_badan_hukum,alamat\n"
    )
    rows = f",{'K' * 5000},Mojosari,,ksp,ya,,1850-01-01,\n"
    result = import_cooperatives("uji", (header + rows).encode(), "a.csv")
    messages = {(e.kolom, e.pesan.split(" (")[0]) for e in result.errors}
    assert ("nama", "Paling banyak 200 karakter") in messages
    assert any(k == "tanggal_badan_hukum" and "tidak mungkin" in m for k, m in messages)


def test_a_route_that_writes_overlong_text_answers_422_not_500(app, client, login_as):
    from sikomo.models import Region

    @app.post("/_uji/panjang")
    def overlong():
        db.session.add(Region(kabupaten="K", kecamatan="y" * 500))
        db.session.commit()
        return "tidak sampai di sini"

    login_as(Role.DINAS)
    response = client.post("/_uji/panjang")
    assert response.status_code == 422 and "paling banyak 100 karakter" in response.get_data(
        as_text=True
    )
