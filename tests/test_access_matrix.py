"""Who may do what: one table of role × method × URL → HTTP status.

Add a row per new route. `{own}` is the pengurus's own cooperative, `{other}` another one; a page
that refuses (403/404) must not show the other cooperative's name.
"""

import pytest

from sikomo.models import Role

ANON = "anonim"
ROLES = (ANON, Role.PENGURUS, Role.PENGAWAS, Role.DINAS, Role.ADMIN)

# method, url,                         anonim, pengurus, pengawas, dinas, admin
MATRIX = [
    ("GET", "/login",                     200, 302, 302, 302, 302),
    ("GET", "/",                          302, 302, 200, 200, 200),
    ("POST", "/logout",                   302, 302, 302, 302, 302),
    ("GET", "/logout",                    405, 405, 405, 405, 405),
    ("GET", "/audit",                     302, 403, 403, 403, 200),
    ("GET", "/koperasi/",                 302, 403, 200, 200, 200),
    ("GET", "/koperasi/?q=lain&status=aktif", 302, 403, 200, 200, 200),
    ("GET", "/koperasi/{own}",            302, 200, 200, 200, 200),
    ("GET", "/koperasi/{other}",          302, 404, 200, 200, 200),
    ("GET", "/koperasi/999999",           302, 404, 404, 404, 404),
    ("GET", "/koperasi/ekspor.csv",       302, 403, 200, 200, 200),
    ("GET", "/koperasi/ekspor.xlsx",      302, 403, 200, 200, 200),
    ("GET", "/koperasi/ekspor.pdf",       302, 403, 404, 404, 404),
    ("GET", "/koperasi/baru",             302, 403, 403, 200, 200),
    ("POST", "/koperasi/baru",            302, 403, 403, 200, 200),
    ("GET", "/koperasi/{own}/ubah",       302, 403, 403, 200, 200),
    ("GET", "/koperasi/{other}/ubah",     302, 403, 403, 200, 200),
    ("POST", "/koperasi/{other}/ubah",    302, 403, 403, 302, 302),  # empty body: saves as is
    ("GET", "/koperasi/impor",            302, 403, 403, 200, 200),
    ("POST", "/koperasi/impor",           302, 403, 403, 200, 200),
    ("GET", "/indikator/",                302, 403, 200, 200, 200),
    ("GET", "/indikator/?tahun=2025",     302, 403, 200, 200, 200),
    ("GET", "/indikator/?tahun=1900",     302, 403, 404, 404, 404),
    ("GET", "/indikator/ekspor/indikator.csv", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/kecamatan.xlsx", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/jenis.csv", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/kepatuhan.xlsx", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/rahasia.csv", 302, 403, 404, 404, 404),
    ("GET", "/indikator/ekspor/indikator.pdf", 302, 403, 404, 404, 404),
    ("GET", "/indikator/lkjip.xlsx",      302, 403, 200, 200, 200),
    ("GET", "/indikator/audit",           302, 403, 200, 200, 200),
    ("POST", "/indikator/audit",          302, 403, 200, 200, 200),  # no file: form error
    ("GET", "/indikator/pengaturan",      302, 403, 403, 200, 200),
    ("POST", "/indikator/pengaturan",     302, 403, 403, 200, 200),  # nothing submitted
    ("GET", "/indikator/definisi/aktif_pct", 302, 403, 403, 200, 200),
    ("POST", "/indikator/definisi/aktif_pct", 302, 403, 403, 302, 302),  # empty body: saves as is
    ("GET", "/indikator/definisi/tidak_ada", 302, 403, 403, 404, 404),
    ("GET", "/api/v1/indicators?year=2026", 200, 200, 200, 200, 200),  # public, like the LKjIP
    ("GET", "/api/v1/indicators",         400, 400, 400, 400, 400),
]  # fmt: skip

CASES = [
    pytest.param(role, method, url, status, id=f"{role}-{method}-{url}")
    for method, url, *statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("role", "method", "url", "expected"), CASES)
def test_role_may_reach_url_only_as_the_matrix_says(
    client, login_as, make_cooperative, role, method, url, expected
):
    own = make_cooperative("Koperasi Milik Pengurus")
    other = make_cooperative("Koperasi Lain Rahasia", nik="3516999999999999")
    if role != ANON:
        login_as(role, cooperative=own if role == Role.PENGURUS else None)
    response = client.open(url.format(own=own.id, other=other.id), method=method)
    assert response.status_code == expected
    if expected in (403, 404):
        body = response.get_data(as_text=True)
        assert "Koperasi Lain Rahasia" not in body
        assert "3516999999999999" not in body


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/koperasi/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
