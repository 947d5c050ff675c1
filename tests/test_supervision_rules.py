"""Each early-warning rule on hand-built histories: it fires past its edge and not on it."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from sikomo.models import Predikat
from sikomo.review.values import PREDIKAT_RANK
from sikomo.supervision import rules
from sikomo.supervision.config import config
from sikomo.supervision.figures import keys as line_items
from sikomo.supervision.frame import VERSION_COLUMNS
from sikomo.supervision.messages import describe

YEAR = 2025
COLUMNS = [*VERSION_COLUMNS, "counted_latest", "predikat"]
RANK = {p.value: float(PREDIKAT_RANK[p]) for p in Predikat}
DEADLINE = date(2026, 6, 30)
DAYS = 30


def figures(equity=300, aset=1000, shu=50, macet=0, lancar=500, **extra) -> dict:
    """A report's line items in juta rupiah (balanced enough for every ratio)."""
    m = 1_000_000
    values = {"total_aset": aset * m, "total_ekuitas": equity * m, "shu_belum_dibagi": shu * m,
              "simpanan_wajib": (equity - shu) * m, "shu_setelah_pajak": shu * m,
              "total_pendapatan": 200 * m, "beban_usaha": (150 - shu) * m, "beban_pokok": 50 * m,
              "pinjaman_lancar": lancar * m, "pinjaman_macet": macet * m,
              "pinjaman_kurang_lancar": 0, "pinjaman_diragukan": 0,
              "total_kewajiban": (aset - equity) * m, "partisipasi_bruto": 180 * m,
              "beban_perkoperasian": 0, "beban_lain": 0, "pajak": 0, "volume_usaha": 900 * m}  # fmt: skip
    return values | {k: v * m for k, v in extra.items()}


def report(cid, tahun, items=None, status="disetujui", version=1, latest=True, rat="auto",
           submitted=None, predikat=None) -> dict:  # fmt: skip
    row = dict.fromkeys([*COLUMNS, *line_items(config())])
    row.update(cooperative_id=cid, tahun_buku=tahun, version=version, status=status,
               imported=False, counted_latest=latest, predikat=predikat,
               submitted_at=submitted or datetime(tahun + 1, 3, 1, 3, tzinfo=UTC),
               tanggal_rat=date(tahun + 1, 2, 1) if rat == "auto" else rat)  # fmt: skip
    for key, value in (items or {}).items():
        if key in row:
            row[key] = float(value)
    return row


def evaluate(reports, register=None, on=date(2026, 12, 1)):
    cfg = config()
    ids = sorted({r["cooperative_id"] for r in reports}) or [1]
    register = register if register is not None else pd.DataFrame(
        {"cooperative_id": ids, "nama": "K", "nik": None, "region_id": 1, "kecamatan": "Puri",
         "kabupaten": "Mojokerto", "jenis": "ksp", "simpan_pinjam": True,
         "tanggal_badan_hukum": date(2000, 1, 1)})  # fmt: skip
    rows = pd.DataFrame(reports, columns=[*COLUMNS, *line_items(cfg)])
    data = rules.year_data(cfg, YEAR, 3, register, counted_of(rows), rows[list(VERSION_COLUMNS)],
                           DEADLINE, DAYS, on)  # fmt: skip
    return data, rules.evaluate(data)


def counted_of(rows: pd.DataFrame) -> rules.Counted:
    """The counted rows as frame.counted reads them from the database."""
    counted = rows[rows["counted_latest"].astype(bool)]
    return rules.Counted(
        counted["cooperative_id"].to_numpy(dtype="int64"),
        counted["tahun_buku"].to_numpy(dtype="int64"),
        counted["tanggal_rat"].notna().to_numpy(dtype="float64"),
        counted["predikat"].map(RANK).to_numpy(dtype="float64"),
        counted[list(line_items(config()))].to_numpy(dtype="float64"),
        line_items(config()),
    )


def fired(reports, rule, ratio="", **kw) -> bool:
    _, flags = evaluate(reports, **kw)
    found = flags[(flags["aturan"] == rule) & (flags["rasio"] == ratio)]
    return len(found) > 0


def years(*items, **kw):
    return [report(1, YEAR - 2 + i, f, **kw) for i, f in enumerate(items)]


def test_a_ratio_worse_two_years_running_fires_and_a_tie_breaks_the_run():
    assert fired(years(figures(equity=400), figures(equity=350), figures(equity=300)),
                 "rasio_memburuk", "ekuitas_aset")  # fmt: skip
    assert not fired(years(figures(equity=400), figures(equity=300), figures(equity=300)),
                     "rasio_memburuk", "ekuitas_aset")  # fmt: skip
    # NPL is worse when it rises
    assert fired(years(figures(macet=10), figures(macet=20), figures(macet=30)),
                 "rasio_memburuk", "npl")  # fmt: skip


def test_a_band_crossing_downward_fires_only_across_the_edge():
    # ekuitas ÷ aset bands: [20, 30) → nilai 2, [10, 20) → nilai 3; 20,00 % stays in [20, 30)
    assert fired(years(figures(), figures(equity=250), figures(equity=199)), "pita_turun",
                 "ekuitas_aset")  # fmt: skip
    assert not fired(years(figures(), figures(equity=250), figures(equity=200)), "pita_turun",
                     "ekuitas_aset")  # fmt: skip


def test_predikat_down_a_level_fires_and_the_same_predikat_does_not():
    assert fired([report(1, 2024, figures(), predikat="sehat"),
                  report(1, 2025, figures(), predikat="cukup_sehat")], "predikat_turun")  # fmt: skip
    assert not fired([report(1, 2024, figures(), predikat="cukup_sehat"),
                      report(1, 2025, figures(), predikat="cukup_sehat")], "predikat_turun")  # fmt: skip
    assert not fired([report(1, 2024, figures(), predikat="cukup_sehat"),
                      report(1, 2025, figures(), predikat="sehat")], "predikat_turun")  # fmt: skip


def test_a_loss_fires_and_a_zero_shu_does_not():
    assert fired([report(1, YEAR, figures(shu=-1))], "rugi")
    assert not fired([report(1, YEAR, figures(shu=0))], "rugi")


def test_equity_below_ten_percent_fires_and_exactly_ten_does_not():
    assert fired([report(1, YEAR, figures(equity=99))], "permodalan_rendah", "ekuitas_aset")
    assert not fired([report(1, YEAR, figures(equity=100))], "permodalan_rendah", "ekuitas_aset")


def test_no_rat_for_two_years_fires_and_one_rat_in_the_window_is_enough():
    assert fired([report(1, 2024, figures(), rat=None), report(1, 2025, figures(), rat=None)],
                 "tanpa_rat")  # fmt: skip
    assert fired([], "tanpa_rat")  # never reported at all
    assert not fired([report(1, 2024, figures()), report(1, 2025, figures(), rat=None)],
                     "tanpa_rat")  # fmt: skip
    founded_late = pd.DataFrame(
        {
            "cooperative_id": [1],
            "nama": "K",
            "nik": None,
            "region_id": 1,
            "kecamatan": "Puri",
            "kabupaten": "M",
            "jenis": "ksp",
            "simpan_pinjam": True,
            "tanggal_badan_hukum": date(2025, 3, 1),
        }
    )
    assert not fired([], "tanpa_rat", register=founded_late)  # did not owe the 2024 report


def test_a_report_not_sent_fires_only_after_its_due_day():
    draft = [report(1, YEAR, figures(), status="draf", latest=False, rat=date(2026, 3, 1))]
    due = date(2026, 3, 31)  # RAT 1 March + 30 days
    assert fired(draft, "laporan_belum_masuk", on=date(2026, 4, 1))
    assert not fired(draft, "laporan_belum_masuk", on=due)
    assert fired([], "laporan_belum_masuk", on=date(2026, 7, 31))  # no RAT date: 30 June + 30
    assert not fired([], "laporan_belum_masuk", on=date(2026, 7, 30))


def test_a_report_sent_a_day_late_fires_and_one_sent_on_its_due_day_does_not():
    rat = date(2026, 3, 1)
    on_time = datetime(2026, 3, 31, 16, 59, tzinfo=UTC)  # 23:59 WIB on the due day
    late = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 00:00 WIB the next day
    assert not fired([report(1, YEAR, figures(), rat=rat, submitted=on_time)], "laporan_terlambat")
    assert fired([report(1, YEAR, figures(), rat=rat, submitted=late)], "laporan_terlambat")
    # a later version on time does not undo nothing: the least late version counts
    versions = [report(1, YEAR, figures(), rat=rat, submitted=late, latest=False),
                report(1, YEAR, figures(), rat=rat, submitted=on_time, version=2)]  # fmt: skip
    assert not fired(versions, "laporan_terlambat")


def test_a_flag_says_which_line_items_drove_it():
    data, flags = evaluate(years(figures(), figures(equity=300, shu=50),
                                 figures(equity=170, shu=-80, aset=900)))  # fmt: skip
    flag = next(flags[flags["aturan"] == "permodalan_rendah"].itertuples(), None)
    assert flag is None  # 170 ÷ 900 = 18,9 %: above the limit
    flag = next(flags[(flags["aturan"] == "pita_turun") & (flags["rasio"] == "ekuitas_aset")]
                .itertuples())  # fmt: skip
    text = describe(data, next(r for r in config().rules if r.code == "pita_turun"), flag)
    assert "dari pita 30" not in text and "ke pita 10–20 %" in text
    assert "terutama karena SHU belum dibagi turun Rp 130 juta" in text
    assert "meski Total aset turun Rp 100 juta" in text
    loss = next(flags[flags["aturan"] == "rugi"].itertuples())
    said = describe(data, next(r for r in config().rules if r.code == "rugi"), loss)
    assert said.startswith("SHU setelah pajak tahun buku 2025 negatif: -Rp 80.000.000.")
    assert "terutama karena Beban usaha naik Rp 130 juta" in said


@pytest.mark.parametrize("code", [r.code for r in config().rules])
def test_every_rule_names_a_known_check_and_its_wording_fills(code):
    rule = next(r for r in config().rules if r.code == code)
    assert rule.check in rules.CHECKS
    blank = dict.fromkeys(("tahun", "lalu", "batas", "hari", "batas_tanggal", "rasio", "deret",
                           "nilai", "dari", "ke"), "x")  # fmt: skip
    assert rule.message.format(**blank)
