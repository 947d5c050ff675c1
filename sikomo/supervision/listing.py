"""The district's early-warning list: filtered, counted, paged, exported (CSV/XLSX)."""

import math
from dataclasses import dataclass

import pandas as pd

from sikomo import spreadsheet
from sikomo.models import JENIS_LABELS, Jenis
from sikomo.supervision import frame
from sikomo.supervision.config import SEVERITIES
from sikomo.supervision.forms import Filters
from sikomo.supervision.operations import Warnings, year_warnings

EXPORT_COLUMNS = spreadsheet.columns(
    ("Tahun buku", "year"), "Koperasi", "NIK", "Kecamatan", "Jenis", "Tingkat", "Aturan", "Rasio",
    "Keterangan",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    cooperative_id: int
    nama: str
    nik: str
    kecamatan: str
    jenis: str
    tingkat: str
    aturan: str
    rasio: str
    keterangan: str

    @property
    def tingkat_label(self) -> str:
        return SEVERITIES[self.tingkat]


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    page: int
    per_page: int
    total: int
    counts: dict[str, int]  # per tingkat, of the filtered flags
    cooperatives: int  # distinct cooperatives flagged

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def filtered(warnings: Warnings, filters: Filters) -> pd.DataFrame:
    """The year's flags the filters keep, with the register columns beside them."""
    register = warnings.data.register[["region_id", "kecamatan", "jenis"]]
    flags = warnings.flags.join(register, on="cooperative_id")
    if filters.region_id:
        flags = flags[flags["region_id"] == filters.region_id]
    for column, value in (("jenis", filters.jenis), ("tingkat", filters.tingkat),
                          ("aturan", filters.aturan)):  # fmt: skip
        if value:
            flags = flags[flags[column] == value]
    return flags


def rows_of(warnings: Warnings, flags: pd.DataFrame) -> list[Row]:
    """The flags shown, with their cooperatives' names (read for these only)."""
    cfg = warnings.data.cfg
    flags = flags.join(frame.names(flags["cooperative_id"].unique().tolist()), on="cooperative_id")
    labels = {r.code: r.label for r in cfg.rules}
    ratios = {r.code: r.label for r in cfg.ratios}
    return [
        Row(int(f.cooperative_id), f.nama, f.nik or "", f.kecamatan,
            JENIS_LABELS.get(Jenis(f.jenis), f.jenis), f.tingkat, labels[f.aturan],
            ratios.get(f.rasio, ""), warnings.message(f))
        for f in flags.itertuples()
    ]  # fmt: skip


def listing(filters: Filters, page: int, per_page: int) -> Listing:
    warnings = year_warnings(filters.year)
    flags = filtered(warnings, filters)
    total = len(flags)
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    shown = flags.iloc[(page - 1) * per_page : page * per_page]
    counts = {level: int((flags["tingkat"] == level).sum()) for level in SEVERITIES}
    return Listing(rows_of(warnings, shown), page, per_page, total, counts,
                   int(flags["cooperative_id"].nunique()))  # fmt: skip


def export(filters: Filters, fmt: str, comma: bool = False) -> bytes:
    warnings = year_warnings(filters.year)
    rows = [
        (filters.year, r.nama, r.nik, r.kecamatan, r.jenis, r.tingkat_label, r.aturan, r.rasio,
         r.keterangan)
        for r in rows_of(warnings, filtered(warnings, filters))
    ]  # fmt: skip
    if fmt == "csv":
        return spreadsheet.to_csv(EXPORT_COLUMNS, rows, comma=comma)
    return spreadsheet.to_xlsx(EXPORT_COLUMNS, rows, title=f"Peringatan {filters.year}")
