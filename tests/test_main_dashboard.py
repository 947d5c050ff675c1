"""Beranda: the register summary, its aktif count the indicator's own."""

from datetime import date

import pytest

from sikomo.extensions import db
from sikomo.indicators.aktif import count_aktif
from sikomo.models import Role
from tests.rendered import rendered_context


@pytest.fixture
def beranda(client, login_as):
    login_as(Role.DINAS)

    return lambda: rendered_context(client, "/")["summary"]


def test_the_aktif_count_is_the_indicators_and_follows_a_new_rat(
    beranda, make_region, make_cooperative, make_report
):
    pacet = make_region("Pacet")
    ksp = make_cooperative("KSP Satu", pacet, tanggal_badan_hukum=date(2010, 1, 1))
    jasa = make_cooperative("Koperasi Jasa", pacet)
    for tahun_buku in (2023, 2024, 2025):
        make_report(ksp, tahun_buku, f"{tahun_buku + 1}-03-01")
    make_report(jasa, 2025, "2026-03-01")
    summary = beranda()
    assert summary["tahun"] == 2026 and summary["total"] == 2
    assert summary["aktif"] == count_aktif(2026) == 1
    beranda()  # read back from the stored counts
    for tahun_buku in (2023, 2024):
        make_report(jasa, tahun_buku, f"{tahun_buku + 1}-04-01")
    db.session.expire_all()
    assert beranda()["aktif"] == count_aktif(2026) == 2
