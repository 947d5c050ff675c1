"""Benchmark: reports/second of scoring.assess_frame against a loop over scoring.assess.

    python benchmarks/score_batch.py [N] [--loop-sample K]

Generates N synthetic, balanced KSP reports (tahun buku 2025, full questionnaires), scores them
with the vectorised path, times the single-report loop on K of them, and prints throughput, the
speed-up, the input and output frames' sizes, assess_frame's own peak memory and the process's.
Targets (2-core machine): 1,000,000 reports in ≤ 5 s through assess_frame, ≥ 50× the loop,
assess_frame's own peak ≤ 0.8 GB.

assess_frame's own peak is measured with tracemalloc in a second, untimed call: numpy reports
every data buffer it allocates to tracemalloc, so the traced peak counts each array the call
creates (output columns, chunk temporaries, pandas' wrappers) and nothing that existed before it
(the input frame). It counts an np.empty buffer in full before its pages are touched and leaves
out the allocator's own slack, so it is the call's demand, not an RSS figure. The process's RSS
high-water mark is printed beside it, with the part reached while generating the input (the
generator's temporaries, not assess_frame, set it at 1,000,000 reports).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

import scoring
from scoring.ruleset import builtin_rulesets


def synthetic_reports(n: int, seed: int = 2025) -> pd.DataFrame:
    """Return n balanced reports in schema columns, questionnaire items as bool columns."""
    rng = np.random.default_rng(seed)
    money = lambda share, base: np.round(base * share).astype(np.int64)  # noqa: E731
    aset = np.round(rng.lognormal(21, 1.2, n)).astype(np.int64) + 50_000_000
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731
    cols: dict[str, object] = {"tahun_buku": np.full(n, 2025, np.int64), "jenis": "ksp"}
    cols["kas"], cols["bank"] = money(u(0.005, 0.03), aset), money(u(0.02, 0.12), aset)
    cols["simpanan_di_koperasi_lain"] = money(u(0.0, 0.08), aset)
    cols["surat_berharga"] = np.zeros(n, np.int64)
    cols["persediaan"] = cols["piutang_usaha"] = np.zeros(n, np.int64)
    loans = money(u(0.55, 0.85), aset)
    bad = u(0.0, 0.25)
    cols["pinjaman_kurang_lancar"] = money(bad * 0.5, loans)
    cols["pinjaman_diragukan"] = money(bad * 0.3, loans)
    cols["pinjaman_macet"] = money(bad * 0.2, loans)
    cols["pinjaman_lancar"] = (
        loans - cols["pinjaman_kurang_lancar"] - cols["pinjaman_diragukan"] - cols["pinjaman_macet"]
    )
    cols["pinjaman_anggota"] = money(u(0.3, 1.0), loans)
    cols["ppap"] = money(u(0.0, 0.05), loans)
    cols["aset_lancar_lain"] = money(u(0.0, 0.02), aset)
    cols["penyertaan"] = money(u(0.0, 0.02), aset)
    cols["aset_lain"] = money(u(0.0, 0.01), aset)
    listed = sum(
        cols[k]
        for k in (
            "kas",
            "bank",
            "simpanan_di_koperasi_lain",
            "aset_lancar_lain",
            "penyertaan",
            "aset_lain",
        )
    )
    cols["aset_tetap"] = np.maximum(aset - listed - loans + cols["ppap"], 0)
    cols["total_aset"] = listed + loans - cols["ppap"] + cols["aset_tetap"]
    total = cols["total_aset"]
    equity = money(u(0.08, 0.45), total)
    cols["simpanan_sukarela_anggota"] = money(u(0.15, 0.4), total)
    cols["simpanan_sukarela_non_anggota"] = money(u(0.0, 0.05), total)
    cols["simpanan_berjangka_anggota"] = money(u(0.05, 0.2), total)
    cols["simpanan_berjangka_non_anggota"] = money(u(0.0, 0.03), total)
    for k, hi in (
        ("hutang_pajak", 0.003),
        ("beban_masih_harus_dibayar", 0.003),
        ("hutang_biaya", 0.002),
    ):
        cols[k] = money(u(0.0, hi), total)
    cols["pinjaman_bank_jangka_panjang"] = money(u(0.0, 0.15), total)
    cols["kewajiban_jangka_panjang_lain"] = np.zeros(n, np.int64)
    cols["total_kewajiban"] = total - equity
    cols["total_kewajiban_lancar"] = np.maximum(
        cols["total_kewajiban"] - cols["pinjaman_bank_jangka_panjang"], 0
    )
    cols["simpanan_pokok"] = money(u(0.02, 0.1), equity)
    cols["simpanan_wajib"] = money(u(0.3, 0.6), equity)
    cols["cadangan_umum"] = money(u(0.1, 0.3), equity)
    cols["cadangan_tujuan_risiko"] = money(u(0.0, 0.05), equity)
    cols["total_ekuitas"] = equity
    cols["partisipasi_bruto"] = money(u(0.1, 0.2), loans)
    cols["beban_pokok"] = money(u(0.2, 0.4), cols["partisipasi_bruto"])
    cols["total_pendapatan"] = cols["partisipasi_bruto"] + money(
        u(0.0, 0.15), cols["partisipasi_bruto"]
    )
    cols["beban_usaha"] = money(u(0.3, 0.6), cols["partisipasi_bruto"])
    cols["beban_perkoperasian"] = money(u(0.02, 0.08), cols["partisipasi_bruto"])
    cols["shu_kotor"] = cols["total_pendapatan"] - cols["beban_pokok"]
    cols["shu_sebelum_pajak"] = (
        cols["shu_kotor"] - cols["beban_usaha"] - cols["beban_perkoperasian"]
    )
    cols["shu_setelah_pajak"] = cols["shu_sebelum_pajak"] - money(
        u(0.0, 0.1), np.maximum(cols["shu_sebelum_pajak"], 0)
    )
    for k in (
        "total_aset",
        "total_ekuitas",
        "total_kewajiban",
        "hutang_pajak",
        "beban_masih_harus_dibayar",
        "hutang_biaya",
        "shu_setelah_pajak",
    ):
        cols[f"{k}_lalu"] = money(u(0.8, 1.1), cols[k])
    df = pd.DataFrame(cols)
    items = sorted(builtin_rulesets()["permenkop_9_2020"].item_codes)
    answers = rng.random((n, len(items)), dtype=np.float32) < 0.8
    df = pd.concat([df, pd.DataFrame(answers, columns=[f"kuesioner.{c}" for c in items])], axis=1)
    return df


def row_dict(row: pd.Series) -> dict[str, object]:
    report: dict[str, object] = {"kuesioner": {}}
    for key, value in row.items():
        if str(key).startswith("kuesioner."):
            report["kuesioner"][str(key)[10:]] = bool(value)  # type: ignore[index]
        elif isinstance(value, np.integer):
            report[str(key)] = int(value)
        else:
            report[str(key)] = value
    return report


def high_water() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def frame_bytes(df: pd.DataFrame) -> int:
    return int(df.memory_usage(deep=True).sum())


def own_peak(df: pd.DataFrame) -> int:
    """Return the most memory assess_frame(df) holds at once, as tracemalloc traces it."""
    tracemalloc.start()
    try:
        result = scoring.assess_frame(df)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--loop-sample", type=int, default=2_000)
    args = ap.parse_args()
    df = synthetic_reports(args.n)
    generating = high_water()
    print(f"generated {len(df):,} reports × {df.shape[1]} columns")
    t0 = time.perf_counter()
    result = scoring.assess_frame(df)
    frame_s = time.perf_counter() - t0
    frame_rps = len(df) / frame_s
    output, counts = frame_bytes(result), result["predikat"].value_counts().to_dict()
    del result
    sample = [row_dict(r) for _, r in df.head(args.loop_sample).iterrows()]
    t0 = time.perf_counter()
    for report in sample:
        scoring.assess(report)
    loop_s = time.perf_counter() - t0
    loop_rps = len(sample) / loop_s
    peak = own_peak(df)
    process = high_water()
    print(f"assess_frame: {len(df):,} reports in {frame_s:.2f} s = {frame_rps:,.0f} reports/s")
    print(f"assess loop:  {len(sample):,} reports in {loop_s:.2f} s = {loop_rps:,.0f} reports/s")
    print(f"speed-up:     {frame_rps / loop_rps:,.0f}×")
    print(f"input frame:  {frame_bytes(df) / 1e9:.3f} GB")
    print(f"output frame: {output / 1e9:.3f} GB ({output / len(df):,.0f} bytes/report)")
    print(f"assess_frame: own peak {peak / 1e9:.3f} GB (tracemalloc, second untimed call)")
    print(
        f"process peak: {process / 1e9:.3f} GB (RSS high-water of the whole run; "
        f"{generating / 1e9:.3f} GB reached while generating the input)"
    )
    print(f"predikat:     {counts}")


if __name__ == "__main__":
    main()
