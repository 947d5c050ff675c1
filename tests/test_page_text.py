"""No English, no `None`, no internal code on any page: every role's pages are crawled on the demo
district (plus a draft with unreadable and questionable figures, a submitted report and pages
showing form errors), and each page's visible text is checked against forbidden strings."""

import re

import pytest

from sikomo.extensions import db
from sikomo.models import Cooperative, ReportStatus, Role, User
from tests.conftest import as_user
from tests.crawl import crawl, read

pytestmark = pytest.mark.slow

# What a user must never read: Flask/WTForms/Werkzeug English, Python values, and codes.
FORBIDDEN_WORDS = re.compile(
    r"\b(None|True|False|NaN|nan|null|Traceback|Invalid|invalid|required|Required|Submit|"
    r"Not Found|Forbidden|Bad Request|This field|Not a valid|must be|Number must|Please)\b"
)
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # schema keys, method and status codes

START = {
    Role.PENGURUS: "/laporan/",
    Role.PENGAWAS: "/",
    Role.DINAS: "/",
    Role.ADMIN: "/",
}


def problems(url: str, html: str) -> list[str]:
    page = read(html)
    text = "\n".join(page.text)
    found = [f"{url}: attribute {a}" for a in page.none_attrs]
    found += [f"{url}: {m.group(0)!r}" for m in FORBIDDEN_WORDS.finditer(text)]
    found += [f"{url}: code {m.group(0)!r}" for m in SNAKE_CASE.finditer(text)]
    return found


@pytest.fixture
def district(runner, make_report, make_submitted):
    """The demo district, with a draft of the pengurus's cooperative holding an unreadable text
    and a prior-year figure that differs from the approved one, and a submitted report."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["refresh-scores"]).exit_code == 0
    users = {
        u.role: u
        for u in db.session.scalars(db.select(User).where(User.email.like("%@sikomo.test")))
    }
    own = db.session.get(Cooperative, users[Role.PENGURUS].cooperative_id)
    draft = make_report(own, 2026, kas=5_000_000, jumlah_anggota_lalu=3, _raw={"bank": "dua juta"})
    draft.status = ReportStatus.DRAF
    submitted = make_submitted(tahun_buku=2026)
    db.session.commit()
    return users, draft, submitted


def extra_pages(role, draft, submitted, own_id):
    """Pages a crawl by links does not reach in their interesting state: drafts, form errors."""
    if role == Role.PENGURUS:
        return [("GET", f"/laporan/{draft.id}", None),
                ("GET", f"/laporan/{draft.id}/bagian/neraca", None),
                ("POST", f"/laporan/{draft.id}/bagian/neraca", {"kas": "-5", "bank": "1,5"}),
                ("GET", "/koperasi/999999", None)]  # fmt: skip
    pages = [("GET", f"/penilaian/laporan/{submitted.id}", None),
             ("POST", f"/penilaian/laporan/{submitted.id}/keputusan", {}),
             ("GET", "/penilaian/laporan/999999", None)]  # fmt: skip
    if role in (Role.DINAS, Role.ADMIN):
        pages += [("POST", "/pengaturan/", {"batas_tunggu_hari": "0"}),
                  ("POST", "/indikator/pengaturan", {"t-code": "sehat_pct", "t-tahun": "x", "t-nilai": "1.5"}),
                  ("POST", "/indikator/pengaturan", {"s-aktif_window": "0"}),
                  ("POST", "/koperasi/baru", {"jumlah_anggota": "banyak"}),
                  ("POST", f"/token/koperasi/{own_id}", {}),
                  ("POST", "/akun/profil", {"nip": "12"})]  # fmt: skip
    return pages


def test_no_page_of_any_role_shows_english_none_or_a_code(app, client, district):
    users, draft, submitted = district
    app.config["WTF_CSRF_ENABLED"] = False
    found, visited = [], 0
    for role, start in START.items():
        as_user(client, users[role])
        for url, response in crawl(client, start, limit=70):
            visited += 1
            assert response.status_code < 500, url
            if response.mimetype == "text/html":
                found += problems(f"{role.value} {url}", response.get_data(as_text=True))
        for method, url, data in extra_pages(role, draft, submitted, draft.cooperative_id):
            response = client.open(url, method=method, data=data)
            assert response.status_code < 500, url
            found += problems(f"{role.value} {method} {url}", response.get_data(as_text=True))
    as_user(client, users[Role.PENGURUS])
    client.post("/logout")
    for url, response in crawl(client, "/publik/", limit=20):
        found += problems(f"anonim {url}", response.get_data(as_text=True))
    assert visited > 100
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize(
    ("html", "expected"),
    [('<input title="None">', "attribute"), ("<p>None</p>", "'None'"),
     ("<td>permenkop_9_2020</td>", "code"), ("<small>This field is required.</small>", "This field"),
     ('<a aria-label="surat_berharga">x</a>', "code")],
)  # fmt: skip
def test_the_check_catches_each_kind_of_leak(html, expected):
    assert any(expected in p for p in problems("/x", html))


@pytest.mark.parametrize(
    "html",
    ["<code>tahun_buku</code>", '<input value="Tidak ada">', "<pre>shu_setelah_pajak</pre>",
     "<textarea>None</textarea>", "<p>Simpan draf</p>"],
)  # fmt: skip
def test_code_and_typed_values_are_not_leaks(html):
    assert problems("/x", html) == []
