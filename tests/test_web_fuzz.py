"""No request to any web route ends in a server error: Hypothesis sends every route, as every
role, path parameters (real ids, huge numbers, odd text), query parameters and form fields with
hostile values (NUL, CR/LF, 10^40, NaN, long text, scripts), and every answer must be below 500.

Bounded for CI: a fixed number of derandomized examples per route; runs on both databases.
"""

import os
from urllib.parse import quote

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sikomo.models import Role
from tests.conftest import as_user

pytestmark = pytest.mark.slow

HOSTILE = ["", " ", "0", "-1", "1", "2025", "2147483648", "9999999999", "9" * 40, "1e400", "NaN",
           "Infinity", "-0", "1,5", "1.234.567", "Rp 5", "\x00", "a\x00b", "\r\nSet-Cookie: x=1",
           "//evil.example", "../../etc/passwd", "<script>alert(1)</script>", "=HYPERLINK(1)",
           "' OR 1=1 --", "٣٤", "ya", "tidak", "semua", "sehat", "ksp", "koma", "x" * 6000,
           "2026-02-30", "0000-00-00", "diajukan", "setujui", "kembalikan"]  # fmt: skip
PARAMS = ["q", "page", "tahun", "status", "kecamatan", "jenis", "flag", "urut", "tugas", "kedua",
          "lama", "ulang", "hasil", "pemisah", "sertifikat", "next", "predikat", "by", "year",
          "aktif", "v", "format", "indikator"]  # fmt: skip
FIELDS = ["version_id", "catatan", "keputusan", "predikat", "alasan", "nama", "nik", "region_id",
          "jenis", "desa", "jumlah_anggota", "tanggal_rat", "tanggal_binaan", "kas", "bank",
          "total_aset", "shu_setelah_pajak", "bagian", "tahun_buku", "keterangan", "name", "nip",
          "jabatan", "batas_tunggu_hari", "kop_dinas", "s-aktif_window", "t-code", "t-tahun",
          "t-nilai", "p-tahun", "p-nilai", "simpan", "lanjut", "kemajuan", "pengawas_id",
          "email", "password", "butir", "jawaban", "indikator", "konfirmasi", "batas_rat_hari",
          "batas_rat_bulan", "batas_lapor_hari"]  # fmt: skip
ROLES = [None, Role.PENGURUS, Role.PENGAWAS, Role.DINAS, Role.ADMIN]
SKIP = ("/static/", "/api/")  # the API has its own schemathesis run (test_api_fuzz.py)

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))


def rules(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SKIP):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule))
    return found


@pytest.fixture
def site(app, make_user, make_cooperative, make_submitted, make_approved, make_token):
    from sikomo.extensions import db
    from sikomo.models import ApiToken

    coop = make_cooperative("KSP Uji Fuzz", nik="3516000000000001")
    approved = make_approved(coop, 2024)
    submitted = make_submitted(coop, 2025)
    users = {role: make_user(role, email=f"{role.value}@fuzz.test",
                             cooperative=coop if role == Role.PENGURUS else None)
             for role in ROLES if role is not None}  # fmt: skip
    make_token(coop)
    token = db.session.scalar(db.select(ApiToken.id))
    ids = sorted({coop.id, approved.id, approved.report_id, submitted.id, token, 1, 2})
    return users, ids


def path_for(rule, draw, ids) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if "Integer" in converter or "Id" in converter:
            values[name] = draw(st.one_of(st.sampled_from(ids), st.integers(0, 2**40)))
        else:
            values[name] = quote(draw(text) or "x", safe="")
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        path = path.replace(f"<path:{name}>", str(value))
    return path


def test_every_route_and_role_answers_hostile_input_without_a_server_error(app, client, site):
    users, ids = site
    routes = rules(app)
    assert len(routes) > 60

    @settings(max_examples=len(routes) * int(os.environ.get("SIKOMO_FUZZ_PER_ROUTE", "4")), derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def run(data):
        method, rule = data.draw(st.sampled_from(routes))
        role = data.draw(st.sampled_from(ROLES))
        path = path_for(rule, data.draw, ids)
        query = data.draw(st.dictionaries(st.sampled_from(PARAMS), text, max_size=4))
        form = data.draw(st.dictionaries(st.sampled_from(FIELDS), text, max_size=6))
        if role is None:
            client.delete_cookie("session")
            g.pop("_login_user", None)
        else:
            as_user(client, users[role])
        response = client.open(path, method=method, query_string=query,
                               data=form if method == "POST" else None)  # fmt: skip
        assert response.status_code < 500, (method, path, role, query, form, response.status_code)
        response.close()

    run()
