"""Deterministic, balanced demo financial statements in the canonical report keys."""

import random

from scoring.schema import lalu_twins
from sikomo.edit_rules import CURRENT_LIABILITY_ITEMS as CURRENT_LIABILITY_KEYS
from sikomo.edit_rules import EQUITY_ITEMS as EQUITY_KEYS
from sikomo.edit_rules import LONG_LIABILITY_ITEMS as LONG_LIABILITY_KEYS


def split(rng: random.Random, total: int, keys: tuple[str, ...], weights) -> dict[str, int]:
    """Split an integer total over keys by jittered weights; the first key takes the rounding."""
    jittered = [w * rng.uniform(0.6, 1.4) for w in weights]
    scale = sum(jittered)
    parts = {k: int(total * w / scale) for k, w in zip(keys, jittered, strict=True)}
    parts[keys[0]] += total - sum(parts.values())
    return parts


def neraca(rng: random.Random, total_aset: int, lends: bool, shu: int) -> dict[str, int]:
    """A balance sheet whose items sum exactly to its totals and whose SHU is `shu`."""
    pinjaman = int(total_aset * (rng.uniform(0.6, 0.8) if lends else rng.uniform(0.0, 0.15)))
    macet_share = rng.choice([0.0, 0.01, 0.02, 0.04, 0.08, 0.15])
    loans = split(
        rng,
        pinjaman,
        ("pinjaman_lancar", "pinjaman_kurang_lancar", "pinjaman_diragukan", "pinjaman_macet"),
        (1 - 2 * macet_share - 0.02, 0.02 + macet_share / 2, macet_share / 2, macet_share),
    )
    ppapwd = (
        loans["pinjaman_lancar"] * 0.005
        + loans["pinjaman_kurang_lancar"] * 0.1
        + loans["pinjaman_diragukan"] * 0.5
        + loans["pinjaman_macet"]
    )
    ppap = int(ppapwd * rng.uniform(0.3, 1.1))
    other_keys = (
        "bank", "kas", "simpanan_di_koperasi_lain", "surat_berharga", "persediaan",
        "piutang_usaha", "aset_lancar_lain", "penyertaan", "aset_tetap", "aset_lain",
    )  # fmt: skip
    other_weights = (4, 1, 2, 0.5) + ((0.2, 0.3) if lends else (5, 4)) + (0.5, 0.5, 3, 0.5)
    assets = loans | split(rng, total_aset + ppap - pinjaman, other_keys, other_weights)
    assets["ppap"] = ppap
    assets["pinjaman_anggota"] = int(pinjaman * rng.uniform(0.6, 1.0))
    return assets | liabilities_and_equity(rng, total_aset, lends, shu)


def liabilities_and_equity(rng, total_aset: int, lends: bool, shu: int) -> dict[str, int]:
    total_kewajiban = int(total_aset * rng.uniform(0.35, 0.7))
    long_term = int(total_kewajiban * rng.uniform(0.0, 0.25))
    current_weights = (5, 1, 3, 1, 0.2, 0.3, 0.2, 0.3, 0.2) if lends else (1,) * 9
    result = split(rng, total_kewajiban - long_term, CURRENT_LIABILITY_KEYS, current_weights)
    result["total_kewajiban_lancar"] = total_kewajiban - long_term
    result |= split(rng, long_term, LONG_LIABILITY_KEYS, (3, 1))
    result["total_kewajiban"] = total_kewajiban
    total_ekuitas = total_aset - total_kewajiban
    # simpanan_wajib (first key) absorbs the SHU so that a loss keeps the other items positive;
    # the demo's cooperatives hold no SWPM (only the older method reads it).
    equity_keys = ("simpanan_wajib",) + tuple(
        k for k in EQUITY_KEYS[:-1] if k not in ("simpanan_wajib", "swpm")
    )
    result |= split(rng, total_ekuitas - shu, equity_keys, (5, 1, 0.5, 0.5, 0.5, 2, 1))
    result["shu_belum_dibagi"] = shu
    result["total_ekuitas"] = total_ekuitas
    result["total_aset"] = total_aset
    return result


def hasil_usaha(rng: random.Random, total_aset: int, margin: float) -> dict[str, int]:
    """An income statement consistent with itself; SHU may be negative (a loss)."""
    total_pendapatan = int(total_aset * rng.uniform(0.12, 0.3))
    bruto = int(total_pendapatan * rng.uniform(0.75, 0.92))
    lain = int(total_pendapatan * rng.uniform(0.0, 0.05))
    beban_pokok = int(total_pendapatan * rng.uniform(0.2, 0.35))
    beban_perkoperasian = int(total_pendapatan * rng.uniform(0.03, 0.06))
    beban_lain = int(total_pendapatan * rng.uniform(0.01, 0.03))
    shu_kotor = int(total_pendapatan * margin)
    beban_usaha = total_pendapatan - beban_pokok - beban_perkoperasian - beban_lain - shu_kotor
    pajak = int(shu_kotor * 0.1) if shu_kotor > 0 else 0
    return {
        "partisipasi_bruto": bruto,
        "beban_pokok": beban_pokok,
        "pendapatan_non_anggota": total_pendapatan - bruto - lain,
        "pendapatan_lain": lain,
        "total_pendapatan": total_pendapatan,
        "beban_usaha": beban_usaha,
        "beban_karyawan": int(beban_usaha * rng.uniform(0.4, 0.6)),
        "beban_perkoperasian": beban_perkoperasian,
        "beban_lain": beban_lain,
        "shu_kotor": shu_kotor,
        "pajak": pajak,
        "shu_sebelum_pajak": shu_kotor,
        "shu_setelah_pajak": shu_kotor - pajak,
        "biaya_pembinaan": int(max(shu_kotor, 0) * rng.uniform(0.0, 0.05)),
    }


def year_figures(rng: random.Random, total_aset: int, anggota: int, lends: bool) -> dict:
    """Everything one book year reports, except identity and the `_lalu` twins."""
    margin = rng.choice([-0.08, -0.02]) if rng.random() < 0.08 else rng.uniform(0.02, 0.25)
    income = hasil_usaha(rng, total_aset, margin)
    turnover = rng.uniform(0.8, 1.5) if lends else rng.uniform(1.0, 3.0)
    return (
        income
        | neraca(rng, total_aset, lends, income["shu_setelah_pajak"])
        | {
            "jumlah_anggota": anggota,
            "jumlah_calon_anggota": int(anggota * rng.uniform(0, 0.1)),
            "jumlah_karyawan": max(1, anggota // rng.randint(60, 150)),
            "volume_usaha": int(total_aset * turnover),
        }
    )


def with_lalu(current: dict, previous: dict) -> dict:
    """Add the prior-year twins the schema defines, from last year's figures."""
    return current | {
        twin: previous[base] for twin, base in lalu_twins().items() if base in previous
    }
