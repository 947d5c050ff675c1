"""Jejak Audit (/audit): each filter narrows to exactly the events built here, sign-in events in
their own tab, keyset pages without overlap, the CSV export, readable changes, who may see it,
and bad filters answered with an Indonesian message."""

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scoring.schema import fields
from sikomo import audit
from sikomo.audit_trail import labels
from sikomo.audit_trail.changes import changes
from sikomo.extensions import db
from sikomo.format import WIB
from sikomo.models import AuditEvent, Role
from tests.conftest import as_user
from tests.crawl import read

ROW_ID = re.compile(r'id="peristiwa-(\d+)"')


def wib(day: int, hour: int = 12, minute: int = 0, month: int = 12) -> datetime:
    """A moment of December 2026 on the WIB clock, as the UTC moment stored."""
    return datetime(2026, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def recorded(actor, action, obj=None, before=None, after=None, at=None) -> int:
    row = audit.record(actor, action, obj, before, after)
    if at is not None:
        row.created_at = at
    db.session.commit()
    return row.id


def shown(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return [int(i) for i in ROW_ID.findall(response.get_data(as_text=True))]


def page_text(response) -> str:
    return " ".join(read(response.get_data(as_text=True)).text)


@pytest.fixture
def reader(client, make_user):
    """A signed-in Dinas user (the office inspects itself)."""
    user = make_user(Role.DINAS, email="pemeriksa@contoh.test")
    as_user(client, user)
    return user


@pytest.fixture
def people(make_user):
    alice = make_user(Role.PENGAWAS, email="alice@contoh.test")
    bob = make_user(Role.ADMIN, email="bob@contoh.test")
    alice.name, bob.name = "Alice Wibowo", "Bob Santoso"
    db.session.commit()
    return alice, bob


def test_the_user_filter_shows_exactly_that_users_events(client, reader, people, make_cooperative):
    alice, bob = people
    coop = make_cooperative()
    mine = [recorded(alice, "cooperative.update", coop, {"nama": "A"}, {"nama": "B"}),
            recorded(alice, "region.create", None, None, {"kecamatan": "Dlanggu"})]  # fmt: skip
    recorded(bob, "cooperative.update", coop, {"nama": "B"}, {"nama": "C"})
    by_system = recorded(None, "indicator.load_definitions", None, None, {"added": 3})
    assert shown(client.get("/audit?pengguna=alice@contoh.test")) == mine[::-1]
    assert shown(client.get("/audit?pengguna=ALICE@contoh.test")) == mine[::-1]
    assert shown(client.get("/audit?pengguna=Alice+Wibowo")) == mine[::-1]
    assert shown(client.get("/audit?pengguna=sistem")) == [by_system]


def test_the_action_filter_shows_exactly_that_action(client, reader, people, make_cooperative):
    alice, _ = people
    coop = make_cooperative()
    updates = [recorded(alice, "cooperative.update", coop, {"nama": "A"}, {"nama": str(i)})
               for i in range(2)]  # fmt: skip
    recorded(alice, "cooperative.create", coop, None, {"nama": "A"})
    assert shown(client.get("/audit?tindakan=cooperative.update")) == updates[::-1]
    html = client.get("/audit").get_data(as_text=True)
    assert '<option value="cooperative.update" >Data koperasi diubah</option>' in html


def test_the_object_filter_reads_type_and_id_as_people_write_them(
    client, reader, people, make_cooperative, make_report
):
    alice, _ = people
    coop = make_cooperative()
    first, second = make_report(coop, 2024), make_report(coop, 2025)
    about_first = [recorded(alice, "report.status", first, {"status": "draf"}, {"status": "diajukan"}),
                   recorded(alice, "review.return", first, None, {"review_note": "Lengkapi"})]  # fmt: skip
    about_second = recorded(
        alice, "report.status", second, {"status": "draf"}, {"status": "diajukan"}
    )
    about_coop = recorded(alice, "cooperative.update", coop, {"nama": "A"}, {"nama": "B"})
    assert shown(client.get(f"/audit?objek=laporan+{first.id}")) == about_first[::-1]
    assert shown(client.get(f"/audit?objek=Laporan+%23{first.id}")) == about_first[::-1]
    assert shown(client.get(f"/audit?objek=report+{second.id}")) == [about_second]
    assert shown(client.get("/audit?objek=laporan")) == [about_second, *about_first[::-1]]
    assert shown(client.get(f"/audit?objek=koperasi+{coop.id}")) == [about_coop]
    # each object links to its own filter, named with its cooperative
    response = client.get("/audit")
    assert f"objek=laporan+{first.id}" in response.get_data(as_text=True)
    assert "KSP Sejahtera · tahun buku 2024" in page_text(response)


def test_the_date_range_is_inclusive_of_both_days_on_the_wib_clock(client, reader, people):
    alice, _ = people
    late_on_5th = recorded(alice, "region.create", at=wib(5, 23, 30))  # 16:30 UTC on the 5th
    early_on_6th = recorded(alice, "region.create", at=wib(6, 0, 10))  # 17:10 UTC on the 5th
    start_of_5th = recorded(alice, "region.create", at=wib(5, 0, 0))  # 17:00 UTC on the 4th
    end_of_4th = recorded(alice, "region.create", at=wib(4, 23, 59))
    assert set(shown(client.get("/audit?sampai=2026-12-05"))) == {
        late_on_5th,
        start_of_5th,
        end_of_4th,
    }
    assert set(shown(client.get("/audit?dari=2026-12-06"))) == {early_on_6th}
    assert set(shown(client.get("/audit?dari=2026-12-05&sampai=2026-12-05"))) == {
        late_on_5th, start_of_5th}  # fmt: skip
    assert set(shown(client.get("/audit?dari=05/12/2026&sampai=06/12/2026"))) == {
        late_on_5th, start_of_5th, early_on_6th}  # fmt: skip
    assert shown(client.get("/audit?dari=2026-12-07")) == []
    # shown in WIB: 23:30 on the 5th, not 16:30
    assert "5 Desember 2026 23:30 WIB" in page_text(client.get("/audit?objek=&sampai=2026-12-05"))


SECURITY_EVENTS = ["user.login", "user.logout", "user.login_failed", "session.end", "user.password"]


def test_sign_in_events_are_only_in_their_own_tab(client, reader, people, make_cooperative):
    alice, _ = people
    coop = make_cooperative()
    security = [
        recorded(alice if a != "user.login_failed" else None, a, alice) for a in SECURITY_EVENTS
    ]
    data = [recorded(alice, "cooperative.update", coop, {"nama": "A"}, {"nama": "B"})]
    assert shown(client.get("/audit")) == data
    assert shown(client.get("/audit?bagian=keamanan")) == security[::-1]
    page = client.get("/audit?bagian=keamanan").get_data(as_text=True)
    assert 'aria-current="page">Masuk &amp; keamanan</a>' in page
    assert '<option value="user.login" >Masuk</option>' in page
    assert "cooperative.update" not in page


def test_failed_sign_ins_with_a_users_email_are_among_that_users_security_events(
    client, reader, people
):
    alice, _ = people
    failed = recorded(None, "user.login_failed", None, None,
                      {"email": "Alice@contoh.test", "alamat": "10.0.0.7"})  # fmt: skip
    recorded(None, "user.login_failed", None, None, {"email": "bob@contoh.test", "alamat": "x"})
    signed_in = recorded(alice, "user.login", alice)
    found = shown(client.get("/audit?bagian=keamanan&pengguna=alice@contoh.test"))
    assert found == [signed_in, failed]
    text = page_text(client.get("/audit?bagian=keamanan&tindakan=user.login_failed"))
    assert "Email: Alice@contoh.test" in text and "Alamat: 10.0.0.7" in text


def test_pages_follow_each_other_newest_first_without_overlap(make_app, make_user):
    app = make_app(PER_PAGE=3)
    with app.app_context():
        client = app.test_client()
        as_user(client, make_user(Role.ADMIN, email="admin@contoh.test"))
        ids = [
            recorded("sistem", "region.create", None, None, {"kecamatan": str(i)}) for i in range(7)
        ]
        newest = ids[::-1]
        first = client.get("/audit")
        assert shown(first) == newest[:3]
        assert "Lebih baru" not in page_text(first)
        second = client.get(f"/audit?sebelum={newest[2]}")
        assert shown(second) == newest[3:6]
        assert f"sebelum={newest[5]}" in second.get_data(as_text=True)
        assert f"setelah={newest[3]}" in second.get_data(as_text=True)
        third = client.get(f"/audit?sebelum={newest[5]}")
        assert shown(third) == newest[6:]
        assert "Lebih lama" not in page_text(third)
        assert shown(client.get(f"/audit?setelah={newest[3]}")) == newest[:3]
        assert shown(client.get(f"/audit?setelah={newest[6]}")) == newest[3:6]
        assert "7 peristiwa" in page_text(second)


def test_the_csv_export_holds_the_filtered_events_readably(
    client, reader, people, make_cooperative
):
    alice, bob = people
    coop = make_cooperative()
    wanted = recorded(alice, "cooperative.update", coop, {"jumlah_anggota": 10},
                      {"jumlah_anggota": 1250}, at=wib(5, 23, 30))  # fmt: skip
    recorded(bob, "cooperative.update", coop, {"jumlah_anggota": 1250}, {"jumlah_anggota": 3})
    response = client.get("/audit/ekspor.csv?pengguna=alice@contoh.test&sebelum=999")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["ID", "Waktu (WIB)", "Pengguna", "Tindakan", "Objek", "Perubahan"]
    assert rows[1:] == [[str(wanted), "5 Desember 2026 23:30 WIB",
                         "Alice Wibowo (alice@contoh.test)", "Data koperasi diubah",
                         f"koperasi {coop.id} (KSP Sejahtera)", "Jumlah anggota: 10 → 1.250"]]  # fmt: skip
    exported = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.after["berkas"] for e in exported] == ["jejak-audit-data.csv"]
    assert [e.actor_id for e in exported] == [reader.id]


def test_changes_read_as_labels_and_before_to_after_never_as_json(
    client, reader, people, make_cooperative, make_report
):
    alice, _ = people
    report = make_report(make_cooperative())
    kas = fields()["kas"].label
    recorded(alice, "report.save", report, {"kas": 1_000_000, "warna_favorit": "biru"},
             {"kas": 1_250_000, "warna_favorit": "hijau"})  # fmt: skip
    recorded(alice, "report.status", report, {"status": "draf"}, {"status": "diajukan"})
    text = page_text(client.get("/audit"))
    assert f"{kas}: Rp 1.000.000 → Rp 1.250.000" in text
    assert "Warna favorit: biru → hijau" in text
    assert "Status: Draf → Diajukan" in text
    assert "Isian laporan disimpan" in text and "Status laporan berubah" in text
    html = client.get("/audit").get_data(as_text=True)
    assert "{&#34;" not in html and '{"' not in html and "warna_favorit" not in text


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"status": "draf"}, {"status": "diajukan"}, ["Status: Draf → Diajukan"]),
        (None, {"predikat": "cukup_sehat"}, ["Predikat: Cukup Sehat"]),
        ({"approved_at": None}, {"approved_at": "2026-12-05T16:30:00+00:00"},
         ["Waktu disetujui: – → 5 Desember 2026 23:30 WIB"]),
        ({"tanggal_badan_hukum": "2001-02-03"}, {"tanggal_badan_hukum": None},
         ["Tanggal badan hukum: 3 Februari 2001 → –"]),
        ({"role": "pengawas"}, {"role": "dinas"}, ["Peran: Pengawas → Dinas"]),
        ({"active": True}, {"active": False}, ["Aktif: Ya → Tidak"]),
        ({"lampiran": "neraca.pdf"}, None, ["Lampiran: neraca.pdf → –"]),
        ({"nama": "A", "id": 7}, {"nama": "A", "id": 7}, []),  # nothing changed, the id hidden
        ({"total": "71.25"}, {"total": "80.5"}, ["Skor total: 71,25 → 80,50"]),
        ({"kunci_baru_sekali": 1}, {"kunci_baru_sekali": 2}, ["Kunci baru sekali: 1 → 2"]),
    ],
)  # fmt: skip
def test_each_kind_of_value_is_shown_formatted(app, before, after, expected):
    assert [c.text() for c in changes(before, after)] == expected


def test_questionnaire_corrections_are_one_line_per_item_with_its_wording(app):
    code, wording = next(iter(labels.words().items.items()))
    found = changes({"answers_pengawas": {}}, {"answers_pengawas": {code: False}})
    assert [c.text() for c in found] == [
        f"Koreksi pengawas: {wording.rstrip('.')}: ikuti pengurus → Tidak"
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.PENGURUS, 403), (Role.PENGAWAS, 403), (Role.DINAS, 200), (Role.ADMIN, 200)],
)
@pytest.mark.parametrize("url", ["/audit", "/audit/ekspor.csv", "/audit?bagian=keamanan"])
def test_only_the_dinas_and_the_administrator_may_read_the_trail(
    client, login_as, role, status, url
):
    if role is not None:
        login_as(role)
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("dari=2026-13-01", "Dari tanggal: Tanggal tidak valid (tertulis «2026-13-01»)."),
        ("dari=kemarin", "Tanggal tidak valid"),
        ("dari=0001-01-01", "Tanggal harus antara tahun 2000 dan 2100"),
        ("dari=2026-12-06&sampai=2026-12-05", "Tanggal akhir lebih awal dari tanggal awal"),
        ("objek=planet+5", "Objek: Tidak dikenal. Tulis jenis dan nomornya"),
        ("objek=laporan+12x", "Objek: Tidak dikenal"),
        ("tindakan=hapus.semua", "Tindakan tidak dikenal"),
        ("tindakan=user.login", "Tindakan tidak dikenal"),  # a sign-in event is in the other tab
        ("bagian=rahasia", "Bagian tidak dikenal"),
        ("sebelum=abc", "Penunjuk halaman tidak valid"),
        ("sebelum=99999999999999999999", "Penunjuk halaman tidak valid"),
        ("sebelum=3&setelah=5", "Pilih satu arah halaman saja"),
        ("pengguna=siapa@contoh.test", "Tidak ada pengguna dengan email siapa@contoh.test"),
        ("pengguna=" + "x" * 300, "Paling banyak 254 karakter"),
    ],
)
@pytest.mark.parametrize("path", ["/audit", "/audit/ekspor.csv"])
def test_a_bad_filter_is_answered_422_in_indonesian_and_kept_on_screen(
    client, reader, path, query, message
):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    assert message in page_text(response)
    assert 'name="pengguna"' in response.get_data(as_text=True)


def test_two_users_of_the_same_name_are_told_apart_by_email(client, reader, make_user):
    for email in ("budi1@contoh.test", "budi2@contoh.test"):
        make_user(Role.PENGAWAS, email=email).name = "Budi"
    db.session.commit()
    response = client.get("/audit?pengguna=budi")
    assert response.status_code == 422
    assert "Ada beberapa pengguna bernama budi; tulis emailnya" in page_text(response)


def test_the_page_offers_no_way_to_change_or_remove_an_event(client, reader, people):
    recorded(people[0], "region.create", None, None, {"kecamatan": "Dlanggu"})
    html = client.get("/audit").get_data(as_text=True)
    posts = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
    assert posts == ["/logout"]
    assert not re.search(r">\s*(Hapus|Ubah|Edit)\b", html)
    assert client.post("/audit").status_code == 405


def test_the_nav_links_the_trail_for_the_dinas(client, reader):
    assert 'href="/audit">Jejak Audit</a>' in client.get("/").get_data(as_text=True)


RECORDED = re.compile(r"audit\.record(?:_many|_access)?\(\s*[^,()]+,\s*f?\"([a-z_.{}]+)\"")
ASSIGNED = re.compile(r"action = \"([a-z_]+\.[a-z_]+)\"|\"((?:review|report)\.[a-z_]+)\"(?=[,)])")


def test_every_action_the_code_records_has_an_indonesian_label():
    root = Path(__file__).parents[1] / "sikomo"
    found = set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit.record" not in source:
            continue
        found |= set(RECORDED.findall(source))
        found |= {a or b for a, b in ASSIGNED.findall(source)}
    expanded = {a for a in found if "{" not in a}
    expanded |= {f"user.{kind}_{p}" for kind in ("link", "password") for p in ("undangan", "reset")}
    assert len(expanded) > 40
    assert sorted(expanded - set(labels.words().actions)) == []


HOSTILE = ["", " ", "0", "-1", "10" * 20, "1e40", "NaN", "%", "'; DROP TABLE x;--", "\r\nX: y",
           "ä" * 300, "laporan 99999999999999999999", "laporan -1", "#", "2026-02-30", "31/12/9999"]  # fmt: skip


@pytest.mark.parametrize("name", ["pengguna", "tindakan", "objek", "dari", "sampai", "bagian",
                                  "sebelum", "setelah", "page", "endpoint"])  # fmt: skip
def test_no_value_of_any_filter_ends_in_a_server_error(client, reader, name):
    for value in HOSTILE:
        for path in ("/audit", "/audit/ekspor.csv"):
            response = client.get(path, query_string={name: value})
            assert response.status_code in (200, 422), (name, value, response.status_code)


def test_an_export_beyond_its_limit_is_refused_with_a_way_out(client, reader, monkeypatch):
    from sikomo.audit_trail import operations

    monkeypatch.setattr(operations, "EXPORT_LIMIT", 2)
    for i in range(3):
        recorded("sistem", "region.create", None, None, {"kecamatan": str(i)})
    response = client.get("/audit/ekspor.csv")
    assert response.status_code == 422
    assert "Lebih dari 2 peristiwa cocok; persempit saringan" in page_text(response)
    assert client.get("/audit/ekspor.csv?tindakan=region.create").status_code == 422
    assert client.get("/audit/ekspor.csv?pengguna=nobody-else").status_code == 200


def test_a_large_count_is_told_as_more_than_its_limit(client, reader, monkeypatch):
    from sikomo.audit_trail import operations

    monkeypatch.setattr(operations, "COUNT_LIMIT", 2)
    for i in range(3):
        recorded("sistem", "region.create", None, None, {"kecamatan": str(i)})
    assert "Lebih dari 2 peristiwa." in page_text(client.get("/audit"))


@pytest.mark.parametrize(
    ("action", "label", "group"),
    [("user.login", "Masuk", "keamanan"), ("cooperative.update", "Data koperasi diubah", "data"),
     ("report.langkah_baru", "Laporan: langkah baru", "data"), ("aneh", "Aneh", "data")],
)  # fmt: skip
def test_an_action_nobody_labelled_yet_still_reads_as_words_in_the_data_tab(action, label, group):
    assert (labels.action_label(action), labels.group_of(action)) == (label, group)
