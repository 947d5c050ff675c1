"""Every number a user types outside the report forms is read as Indonesians write it (1.250,
45,5, Rp 118.000.000.000.000) by the one parser, with the report forms' messages; no form
renders the browser's type=number, which reads 45,5 as 455."""

from decimal import Decimal

import pytest

from sikomo.extensions import db
from sikomo.models import Cooperative, Pdrb, Role, Target
from sikomo.numbers import AmountError, parse_decimal
from tests.test_registry_views import form_data


@pytest.mark.parametrize(
    ("typed", "value"),
    [("45,5", Decimal("45.5")), ("45", Decimal(45)), ("1.234,56", Decimal("1234.56")),
     ("45,21 %", Decimal("45.21")), ("Rp 1.250", Decimal(1250)), ("  ", None), ("45,50", Decimal("45.5"))],
)  # fmt: skip
def test_a_decimal_comma_is_read(typed, value):
    assert parse_decimal(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [("45.5", "pakai koma"), ("45,555", "paling banyak 2"), ("-1", "negatif"), ("NaN", "tulis angka"),
     ("Infinity", "tulis angka"), ("1e5", "tulis angka"), ("45\x00", "tulis angka"),
     ("1.0000.000", "tulis angka"), ("2.000.000.000.000.000", "melebihi batas")],
)  # fmt: skip
def test_what_is_not_a_number_is_refused_with_its_reason(typed, message):
    with pytest.raises(AmountError, match=message):
        parse_decimal(typed)


def settings_post(client, **fields):
    return client.post("/indikator/pengaturan", data=fields)


def test_a_target_typed_with_a_comma_is_saved_as_typed(client, login_as):
    login_as(Role.DINAS)
    response = settings_post(
        client, **{"t-code": "sehat_pct", "t-tahun": "2026", "t-nilai": "45,5"}
    )
    assert response.status_code == 302
    assert db.session.get(Target, ("sehat_pct", 2026)).nilai == Decimal("45.5")


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"t-nilai": "45.5"}, "Pakai koma untuk desimal"),
     ({"t-nilai": "100,01"}, "Target persentase paling besar 100."),
     ({"t-nilai": "-5"}, "Tidak boleh negatif."),
     ({"t-tahun": "20.26"}, "Tulis angka seperti 1250 atau 1.250."),
     ({"t-tahun": "1999"}, "Diisi antara 2.000 dan 2.100."),
     ({"t-tahun": ""}, "Wajib diisi.")],
)  # fmt: skip
def test_a_wrong_target_keeps_what_was_typed_and_says_why(client, login_as, fields, message):
    login_as(Role.DINAS)
    data = {"t-code": "sehat_pct", "t-tahun": "2026", "t-nilai": "45,5"} | fields
    response = settings_post(client, **data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert f'value="{data["t-nilai"]}"' in body and db.session.scalar(db.select(Target)) is None


def test_a_rupiah_target_may_be_large(client, login_as):
    login_as(Role.DINAS)
    big = {"t-code": "volume_usaha", "t-tahun": "2026", "t-nilai": "Rp 2.500.000.000.000"}
    assert settings_post(client, **big).status_code == 302
    db.session.expire_all()
    assert db.session.get(Target, ("volume_usaha", 2026)).nilai == 2_500_000_000_000


def test_pdrb_is_typed_with_thousands_dots_and_stored_exactly(client, login_as):
    login_as(Role.DINAS)
    response = settings_post(client, **{"p-tahun": "2025", "p-nilai": "118.000.000.000.000"})
    assert response.status_code == 302
    assert db.session.get(Pdrb, 2025).nilai == 118_000_000_000_000


def test_the_settings_form_shows_a_stored_window_and_reads_a_typed_one(client, login_as):
    login_as(Role.DINAS)
    body = client.get("/indikator/pengaturan").get_data(as_text=True)
    assert 'type="number"' not in body and 'inputmode="decimal"' in body
    response = settings_post(
        client, **{"s-aktif_window": "0", "s-berkualitas_criterion": "volume_usaha"}
    )
    assert "Diisi antara 1 dan" in response.get_data(as_text=True)


def test_members_typed_with_a_thousands_dot_are_saved(client, login_as, make_region):
    login_as(Role.DINAS)
    region = make_region()
    response = client.post("/koperasi/baru", data=form_data(region, jumlah_anggota="1.250"))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Cooperative.jumlah_anggota)) == 1250


@pytest.mark.parametrize(
    "path", ["/koperasi/baru", "/indikator/pengaturan", "/pengaturan/", "/penilaian/"]
)
def test_no_page_renders_a_browser_number_input(client, login_as, path):
    login_as(Role.DINAS)
    body = client.get(path).get_data(as_text=True)
    assert 'type="number"' not in body


@pytest.mark.parametrize(
    ("typed", "page"),
    [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1), ("٣", 1), ("9" * 40, 100_000),
     ("100001", 100_000)],
)  # fmt: skip
def test_a_page_number_is_bounded(typed, page):
    from sikomo.numbers import page_arg

    assert page_arg({} if typed is None else {"page": typed}) == page


@pytest.mark.parametrize("path", ["/publik/", "/koperasi/", "/penilaian/"])
def test_a_page_far_past_the_end_is_an_empty_list_not_an_error(client, login_as, path):
    login_as(Role.DINAS)
    assert client.get(path, query_string={"page": "9" * 40}).status_code == 200
