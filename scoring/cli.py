"""Command line: python -m scoring assess | whatif | batch | rulesets."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .engine import assess
from .errors import ReportError, ScoringError
from .frame import assess_frame
from .ruleset import builtin_rulesets
from .schema import numeric_keys
from .whatif import what_it_takes

CHUNK = 100_000
TEXT_COLUMNS = ("cooperative_id", "nik", "jenis", "tanggal_rat", "metode")
ID_COLUMNS = ("cooperative_id", "nik", "tahun_buku")


def _read_report(source: str) -> Any:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScoringError(
            f"{source}: bukan JSON yang sah ({exc.msg}, baris {exc.lineno})"
        ) from None


def cmd_assess(args: argparse.Namespace) -> int:
    result = assess(_read_report(args.file), method=args.method)
    json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    plan = what_it_takes(_read_report(args.file), method=args.method)
    if args.json:
        json.dump(plan.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print("\n".join(plan.lines()))
    return 0


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX of reports; identity columns stay text, blanks stay unknown."""
    dtypes = dict.fromkeys(TEXT_COLUMNS, str)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _numbers_from_text(pd.read_excel(path, dtype=dtypes))
    if path.suffix.lower() == ".csv":
        return _numbers_from_text(pd.read_csv(path, dtype=dtypes, low_memory=False))
    raise ScoringError(f"{path}: format tidak didukung (gunakan .csv atau .xlsx)")


def _numbers_from_text(df: pd.DataFrame) -> pd.DataFrame:
    """A file's cells are text: whole numbers written as digits become numbers, other text stays
    text so the engine refuses it naming its row (the engine itself takes no numeric text)."""
    numeric = set(numeric_keys())
    for name in df.columns:
        if name in numeric and not pd.api.types.is_numeric_dtype(df[name].dtype):
            df[name] = pd.Series([_whole(v) for v in df[name]], index=df.index, dtype=object)
    return df


def _whole(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return value


def score_table(df: pd.DataFrame, method: str | None, progress: bool) -> pd.DataFrame:
    """Score in chunks so large files report progress; any bad row aborts the whole file."""
    parts = []
    for start in range(0, len(df), CHUNK):
        chunk = df.iloc[start : start + CHUNK]
        try:
            parts.append(assess_frame(chunk, method=method))
        except ReportError as exc:
            line = f"baris {start + exc.row + 1} berkas, " if exc.row else ""
            raise ScoringError(f"{line}kolom {exc.field}: {exc.message}") from None
        if progress:
            done = min(start + CHUNK, len(df))
            print(f"{done:,}/{len(df):,} laporan dinilai", file=sys.stderr, flush=True)
    scored = pd.concat(parts) if parts else assess_frame(df, method=method)
    ids = df[[c for c in ID_COLUMNS if c in df.columns]]
    return pd.concat([ids, scored], axis=1)


def cmd_batch(args: argparse.Namespace) -> int:
    df = read_table(Path(args.input))
    out = score_table(df, args.method, progress=len(df) > CHUNK or args.progress)
    out.to_csv(args.output, index=False)
    print(f"{len(out):,} laporan dinilai → {args.output}", file=sys.stderr)
    return 0


def cmd_rulesets(args: argparse.Namespace) -> int:
    rulesets = builtin_rulesets()
    if args.show:
        if args.show not in rulesets:
            raise ScoringError(f"ruleset '{args.show}' tidak dikenal ({', '.join(rulesets)})")
        json.dump(rulesets[args.show].to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for rs in rulesets.values():
        years = f"{rs.tahun_buku_from}–{rs.tahun_buku_to or ''}"
        enabled = sum(i.enabled for i in rs.indicators)
        print(
            f"{rs.id}\t{rs.version}\ttahun buku {years}\t{enabled}/{len(rs.indicators)} indikator\t{rs.content_hash}"
        )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m scoring", description="Penilaian kesehatan KSP/USP."
    )
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="nilai satu laporan (JSON) dan cetak hasilnya sebagai JSON")
    a.add_argument("file", nargs="?", default="-", help="berkas JSON laporan, atau - untuk stdin")
    a.add_argument(
        "--method", help="permenkop_9_2020 atau perdep_06_2016 (bawaan: menurut tahun buku)"
    )
    a.set_defaults(func=cmd_assess)
    w = sub.add_parser("whatif", help="apa yang dibutuhkan untuk naik ke predikat berikutnya")
    w.add_argument("file", nargs="?", default="-", help="berkas JSON laporan, atau - untuk stdin")
    w.add_argument("--method", help="permenkop_9_2020 atau perdep_06_2016")
    w.add_argument("--json", action="store_true", help="cetak rencana sebagai JSON")
    w.set_defaults(func=cmd_whatif)
    b = sub.add_parser("batch", help="nilai CSV/XLSX berisi banyak laporan ke CSV")
    b.add_argument("input")
    b.add_argument("output")
    b.add_argument("--method")
    b.add_argument("--progress", action="store_true", help="selalu cetak kemajuan")
    b.set_defaults(func=cmd_batch)
    r = sub.add_parser("rulesets", help="daftar ruleset dengan versi dan hash")
    r.add_argument("--show", metavar="ID", help="cetak satu ruleset lengkap sebagai JSON")
    r.set_defaults(func=cmd_rulesets)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ScoringError, OSError) as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
