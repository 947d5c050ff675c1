import pytest

from sikomo.audit import AuditIsAppendOnly, record
from sikomo.extensions import db
from sikomo.models import AuditEvent, Cooperative, Jenis, Role


def form_data(region, **overrides):
    data = {"nama": "KSP Harapan", "nik": "", "region_id": region.id, "jenis": "ksp",
            "simpan_pinjam": "y", "desa": "Kauman", "jumlah_anggota": "120"}  # fmt: skip
    return data | overrides


def test_dinas_creates_a_cooperative_and_the_change_is_audited(client, login_as, make_region):
    user = login_as(Role.DINAS)
    region = make_region()
    response = client.post("/koperasi/baru", data=form_data(region, nik="3516000000000123"))
    coop = db.session.scalar(db.select(Cooperative))
    assert response.headers["Location"] == f"/koperasi/{coop.id}"
    assert (coop.nama, coop.jenis, coop.simpan_pinjam) == ("KSP Harapan", Jenis.KSP, True)
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "cooperative.create")
    )
    assert event.actor_id == user.id and event.after["nik"] == "3516000000000123"


def test_a_bad_form_keeps_every_typed_value_and_explains_in_indonesian(
    client, login_as, make_region
):
    login_as(Role.DINAS)
    region = make_region()
    data = form_data(region, nik="12ab", jumlah_anggota="banyak", alamat="Jl. Kenanga 5")
    body = client.post("/koperasi/baru", data=data).get_data(as_text=True)
    assert "NIK harus tepat 16 digit angka." in body
    assert "Tulis angka seperti 1250 atau 1.250." in body
    assert (
        'value="12ab"' in body
        and 'value="banyak"' in body
        and 'value="Jl. Kenanga 5"' in body
        and "KSP Harapan" in body
    )
    assert db.session.scalar(db.select(db.func.count(Cooperative.id))) == 0


def test_a_nik_cannot_belong_to_two_cooperatives(client, login_as, make_cooperative):
    login_as(Role.ADMIN)
    first = make_cooperative("KSP Pertama", nik="3516000000000001")
    data = form_data(first.region, nik="3516000000000001")
    body = client.post("/koperasi/baru", data=data).get_data(as_text=True)
    assert "NIK sudah dipakai oleh KSP Pertama." in body


def test_editing_records_before_and_after(client, login_as, make_cooperative):
    login_as(Role.ADMIN)
    coop = make_cooperative("KSP Lama", jumlah_anggota=50)
    data = form_data(coop.region, nama="KSP Baru", jumlah_anggota="50", desa="")
    assert client.post(f"/koperasi/{coop.id}/ubah", data=data).status_code == 302
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "cooperative.update")
    )
    assert event.before == {"nama": "KSP Lama"} and event.after == {"nama": "KSP Baru"}


def test_the_edit_form_shows_the_current_values(client, login_as, make_cooperative):
    login_as(Role.DINAS)
    coop = make_cooperative("KSP Lama", jenis=Jenis.KONSUMEN)
    body = client.get(f"/koperasi/{coop.id}/ubah").get_data(as_text=True)
    assert 'value="KSP Lama"' in body and '<option selected value="konsumen">' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=sejah", {"KSP Sejahtera"}),
        ("jenis=konsumen", {"Koperasi Konsumen Makmur"}),
        ("simpan_pinjam=ya", {"KSP Sejahtera", "KSP Pacet"}),
        ("simpan_pinjam=tidak", {"Koperasi Konsumen Makmur"}),
        ("status=aktif", {"KSP Sejahtera"}),
        ("status=tidak_aktif", {"Koperasi Konsumen Makmur", "KSP Pacet"}),
    ],
)
def test_the_list_filters_by_search_jenis_usp_and_status(
    client, login_as, make_cooperative, make_region, make_report, query, expected
):
    login_as(Role.PENGAWAS)
    aktif = make_cooperative("KSP Sejahtera")
    make_cooperative("Koperasi Konsumen Makmur", jenis=Jenis.KONSUMEN)
    make_cooperative("KSP Pacet", region=make_region("Pacet"))
    make_report(aktif, 2024, "2025-02-01")
    make_report(aktif, 2025, "2026-02-01")
    body = client.get(f"/koperasi/?{query}").get_data(as_text=True)
    names = {"KSP Sejahtera", "Koperasi Konsumen Makmur", "KSP Pacet"}
    assert {n for n in names if f">{n}</a>" in body} == expected


def test_the_list_filters_by_kecamatan(client, login_as, make_cooperative, make_region):
    login_as(Role.DINAS)
    mojosari, pacet = make_region("Mojosari"), make_region("Pacet")
    make_cooperative("KSP Mojosari", region=mojosari)
    make_cooperative("KSP Pacet", region=pacet)
    body = client.get(f"/koperasi/?kecamatan={pacet.id}").get_data(as_text=True)
    assert ">KSP Pacet</a>" in body and ">KSP Mojosari</a>" not in body


def test_the_detail_page_formats_money_the_indonesian_way(client, login_as, make_cooperative,
                                                          make_report):  # fmt: skip
    login_as(Role.PENGAWAS)
    coop = make_cooperative()
    make_report(coop, 2025, "2026-11-28", total_aset=487479523077)
    body = client.get(f"/koperasi/{coop.id}").get_data(as_text=True)
    assert "Rp 487.479.523.077" in body and "28 November 2026" in body


def test_audit_events_are_never_updated_or_deleted(app):
    event = record("uji", "percobaan")
    db.session.commit()
    event.action = "diubah"
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
