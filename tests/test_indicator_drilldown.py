"""The dashboard's filters and drill-down lists, "belum ada data", and the calon-sanksi list."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from sikomo.extensions import db
from sikomo.indicators import sanksi
from sikomo.models import AuditEvent, Jenis, Region, ReportStatus, Role
from sikomo.settings import get_setting
from tests.rendered import rendered_context

YEAR = 2026  # RATs held in 2025 and 2026: aktif (window 2) is known for 2026 only


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    """Mojosari: two KSPs aktif (RAT 2025 and 2026), a konsumen with RAT 2026 only. Sooko: a KSP
    aktif, a jasa one with a draft, a jasa one founded in 2026, a konsumen with nothing."""
    mojosari, sooko = make_region("Mojosari"), make_region("Sooko")
    coops = {}

    def coop(key, region, jenis=Jenis.KSP, years=(), **values):
        coops[key] = make_cooperative(f"Koperasi {key}", region, jenis=jenis, **values)
        for tahun_buku in years:
            report = make_report(coops[key], tahun_buku, f"{tahun_buku + 1}-03-01")
            report.submitted_at = datetime(tahun_buku + 1, 3, 10, tzinfo=UTC)
        db.session.commit()

    coop("ksp1", mojosari, years=(2024, 2025))
    coop("ksp2", mojosari, years=(2024, 2025))
    coop("kons", mojosari, Jenis.KONSUMEN, years=(2025,))
    coop("ksp3", sooko, years=(2024, 2025))
    coop("draf", sooko, Jenis.JASA)
    draft = make_report(coops["draf"], 2025, "2026-02-01")
    draft.status = ReportStatus.DRAF
    coop("baru", sooko, Jenis.JASA, tanggal_badan_hukum=date(2026, 2, 1))
    coop("diam", sooko, Jenis.KONSUMEN)
    db.session.commit()
    return coops


@pytest.fixture
def dinas(client, login_as, register):
    login_as(Role.DINAS)
    return client


def region_id(name: str) -> int:
    return db.session.scalar(select(Region.id).where(Region.kecamatan == name))


def dashboard(client, **args) -> dict:
    query = "&".join(f"{k}={v}" for k, v in {"tahun": YEAR, **args}.items())
    return rendered_context(client, f"/indikator/?{query}")


def listed(client, code: str, year: int = YEAR, **args) -> int:
    query = "&".join(f"{k}={v}" for k, v in {"indikator": code, "tahun": year, **args}.items())
    return rendered_context(client, f"/koperasi/?{query}")["page"].total


CODES = ("binaan", "aktif", "tidak_aktif", "ksp_usp", "koperasi_baru", "diharapkan", "masuk",
         "belum_masuk", "tepat_waktu", "tanpa_laporan", "ksp_belum_dinilai")  # fmt: skip


def dashboard_count(context: dict, code: str) -> int:
    totals = context["totals"]
    if code == "tidak_aktif":
        return totals["binaan"] - totals["aktif"]
    if code == "belum_masuk":
        return totals["diharapkan"] - totals["masuk"]
    if code in ("tanpa_laporan", "ksp_belum_dinilai"):
        return sum(row[code] for row in context["compliance"])
    return totals[code]


@pytest.mark.parametrize("scope", ["all", "mojosari", "sooko", "ksp", "konsumen_sooko"])
def test_each_list_is_as_long_as_its_count(dinas, scope):
    args = {
        "all": {},
        "mojosari": {"kecamatan": region_id("Mojosari")},
        "sooko": {"kecamatan": region_id("Sooko")},
        "ksp": {"jenis": "ksp"},
        "konsumen_sooko": {"kecamatan": region_id("Sooko"), "jenis": "konsumen"},
    }[scope]
    context = dashboard(dinas, **args)
    counts = {code: dashboard_count(context, code) for code in CODES}
    assert counts == {code: listed(dinas, code, **args) for code in CODES}


def test_the_counts_by_hand_and_the_filters_narrow_them(dinas):
    everything = dashboard(dinas)["totals"]
    assert {k: everything[k] for k in ("binaan", "aktif", "diharapkan", "masuk")} == {
        "binaan": 7, "aktif": 3, "diharapkan": 6, "masuk": 4,
    }  # fmt: skip
    sooko = dashboard(dinas, kecamatan=region_id("Sooko"))
    assert {k: sooko["totals"][k] for k in ("binaan", "aktif", "diharapkan", "masuk")} == {
        "binaan": 4, "aktif": 1, "diharapkan": 3, "masuk": 1,
    }  # fmt: skip
    assert [row["name"] for row in sooko["kecamatan"]] == ["Sooko"]
    assert [row["name"] for row in sooko["compliance"]] == ["Sooko"]
    ksp = dashboard(dinas, jenis="ksp")
    assert (ksp["totals"]["binaan"], ksp["totals"]["aktif"]) == (3, 3)
    aktif_pct = {p["year"]: p["value"] for p in ksp["trends"]["aktif_pct"]}
    assert str(aktif_pct[YEAR]) == "100.00"  # the trend is filtered too
    figures = {i["code"]: i for i in sooko["report"]["indicators"]}
    assert (figures["aktif_pct"]["numerator"], figures["aktif_pct"]["denominator"]) == (1, 4)


def test_a_dashboard_count_links_to_its_list(dinas):
    html = dinas.get(f"/indikator/?tahun={YEAR}&kecamatan={region_id('Sooko')}").get_data(True)
    assert f"/koperasi/?indikator=aktif&amp;tahun={YEAR}&amp;kecamatan={region_id('Sooko')}" in html


def test_a_year_without_data_shows_belum_ada_data_never_zero(dinas):
    for year in (YEAR - 1, 2030):  # 2025: aktif needs RATs of 2024 too; 2030: beyond the data
        context = dashboard(dinas, tahun=year)
        figures = {i["code"]: i for i in context["report"]["indicators"]}
        assert figures["aktif_pct"]["value"] is None and not figures["aktif_pct"]["has_data"]
        assert figures["binaan"]["has_data"]  # the register is known in any year
        html = dinas.get(f"/indikator/?tahun={year}").get_data(True)
        assert "belum ada data" in html
        assert (
            "0,00 %"
            not in html.split("Tren dan target")[0].split("Persentase koperasi aktif")[1][:200]
        )
    trend = {p["year"]: p for p in dashboard(dinas)["trends"]["aktif_pct"]}
    assert not trend[YEAR - 1]["has_data"] and trend[YEAR]["has_data"]


def test_targets_show_with_their_unit(dinas):
    from sikomo.indicators.operations import set_target
    from sikomo.models import User

    user = db.session.scalar(select(User))
    set_target(user, "aktif_pct", YEAR, 75)
    set_target(user, "binaan", YEAR, 120)
    html = dinas.get(f"/indikator/?tahun={YEAR}").get_data(True)
    assert "Target 75 %" in html and "120 koperasi" in html


# --- calon sanksi ------------------------------------------------------------------------------


def test_calon_sanksi_needs_two_consecutive_years_without_a_report(dinas, register):
    """For tahun buku 2025: 'kons' sent 2025 only (one year missing), 'draf' has only a draft
    for 2025 and nothing for 2024, 'diam' nothing, 'baru' was founded in 2026."""
    names = {c.id: key for key, c in register.items()}
    listed_ids = {names[c.id] for c in db.session.scalars(sanksi.candidates(2025))}
    assert listed_ids == {"draf", "diam"}
    assert sanksi.is_candidate(register["diam"].id, 2025)
    assert not sanksi.is_candidate(register["kons"].id, 2025)
    assert {names[c.id] for c in db.session.scalars(sanksi.candidates(2026))} == {"draf", "diam"}
    # 'kons' sent nothing for 2023 and 2024: listed for tahun buku 2024
    assert "kons" in {names[c.id] for c in db.session.scalars(sanksi.candidates(2024))}


def test_the_calon_sanksi_page_filters_and_exports(dinas, register):
    page = rendered_context(dinas, "/indikator/calon-sanksi?tahun=2025")
    assert page["page"].total == 2
    sooko = f"&kecamatan={region_id('Sooko')}&jenis=konsumen"
    assert rendered_context(dinas, f"/indikator/calon-sanksi?tahun=2025{sooko}")["page"].total == 1
    mojosari = f"&kecamatan={region_id('Mojosari')}"
    assert (
        rendered_context(dinas, f"/indikator/calon-sanksi?tahun=2025{mojosari}")["page"].total == 0
    )
    response = dinas.get(f"/indikator/calon-sanksi.csv?tahun=2025{sooko}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert [row[0] for row in rows[1:]] == ["Koperasi diam"]
    assert dinas.get("/indikator/calon-sanksi?tahun=1900").status_code == 404


def test_the_cooperative_page_shows_the_calon_sanksi_badge(dinas, register, monkeypatch):
    monkeypatch.setattr(sanksi, "latest_overdue", lambda on=None: 2025)
    assert "Calon sanksi" in dinas.get(f"/koperasi/{register['diam'].id}").get_data(True)
    assert "Calon sanksi" not in dinas.get(f"/koperasi/{register['kons'].id}").get_data(True)


def test_the_latest_overdue_tahun_buku_follows_the_deadline(app):
    assert sanksi.latest_overdue(date(2026, 7, 30)) == 2024  # 2025 is due that very day
    assert sanksi.latest_overdue(date(2026, 7, 31)) == 2025


# --- the deadline settings ---------------------------------------------------------------------

OFFICE = {"kop_pemerintah": "Pemerintah Kabupaten Mojokerto", "kop_dinas": "Dinas Koperasi",
          "kop_alamat": "", "batas_tunggu_hari": "30", "empat_mata": "y"}  # fmt: skip


@pytest.mark.parametrize(
    ("day", "month", "days", "message"),
    [("31", "2", "30", "Tanggal itu tidak ada di Februari"),
     ("31", "4", "30", "Tanggal itu tidak ada di April"),
     ("30", "13", "30", "tidak ada"),
     ("30", "6", "0", "antara 1 dan 180"),
     ("30", "6", "", "1 sampai 180"),
     ("30", "6", "tiga puluh", "seperti 1250 atau 1.250")],
)  # fmt: skip
def test_a_bad_deadline_is_refused_in_indonesian_and_nothing_is_saved(
    client, login_as, day, month, days, message
):
    login_as(Role.DINAS)
    data = OFFICE | {"batas_rat_hari": day, "batas_rat_bulan": month, "batas_lapor_hari": days}
    response = client.post("/pengaturan/", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert (get_setting("batas_rat"), get_setting("batas_lapor_hari")) == ("06-30", 30)


def test_a_deadline_change_is_saved_audited_and_drops_the_stored_counts(client, login_as, register):
    from sikomo.models import IndicatorSeries

    login_as(Role.DINAS)
    dashboard(client)  # stores the year's counts
    row = db.session.get(IndicatorSeries, YEAR)
    generation = row.generation
    data = OFFICE | {"batas_rat_hari": "29", "batas_rat_bulan": "2", "batas_lapor_hari": "45"}
    assert client.post("/pengaturan/", data=data).status_code == 302
    db.session.expire_all()
    assert (get_setting("batas_rat"), get_setting("batas_lapor_hari")) == ("02-29", 45)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "office.settings"))
    assert event.before["batas_rat"] == "06-30" and event.after["batas_rat"] == "02-29"
    assert db.session.get(IndicatorSeries, YEAR).generation > generation
    form = rendered_context(client, "/pengaturan/")["form"]
    assert (form.batas_rat_hari.data, form.batas_rat_bulan.data) == ("29", "2")
    assert "Pada tahun biasa batasnya 28 Februari" in client.get("/pengaturan/").get_data(True)
