"""The /peringatan/ filters, read from the query string; a value not understood is refused."""

from dataclasses import dataclass

from sikomo import MAX_ID
from sikomo.models import Jenis
from sikomo.supervision.config import SEVERITIES, config


class FilterError(ValueError):
    """A filter value the list cannot use, with the Indonesian message to show."""


@dataclass(frozen=True)
class Filters:
    year: int
    region_id: int | None = None
    jenis: str = ""
    tingkat: str = ""
    aturan: str = ""

    def args(self) -> dict:
        values = {"tahun": self.year, "kecamatan": self.region_id, "jenis": self.jenis,
                  "tingkat": self.tingkat, "aturan": self.aturan}  # fmt: skip
        return {k: v for k, v in values.items() if v not in (None, "")}


def whole(text: str, what: str) -> int:
    if not text.strip().isdigit() or int(text) > MAX_ID:
        raise FilterError(f"{what} harus berupa angka bulat, bukan “{text[:40]}”.")
    return int(text)


def read(args, default_year: int, region_ids: set[int]) -> Filters:
    """The filters a URL asks for; FilterError when a value is not one the list knows."""
    year = default_year
    if args.get("tahun"):
        year = whole(args["tahun"], "Tahun buku")
        if not 2000 <= year <= 2100:
            raise FilterError(f"Tahun buku {year} di luar rentang 2000–2100.")
    region_id = None
    if args.get("kecamatan"):
        region_id = whole(args["kecamatan"], "Kecamatan")
        if region_id not in region_ids:
            raise FilterError("Kecamatan yang dipilih tidak ada dalam daftar.")
    jenis, tingkat, aturan = args.get("jenis", ""), args.get("tingkat", ""), args.get("aturan", "")
    if jenis and jenis not in {j.value for j in Jenis}:
        raise FilterError("Jenis koperasi yang dipilih tidak dikenal.")
    if tingkat and tingkat not in SEVERITIES:
        raise FilterError("Tingkat peringatan harus tinggi, sedang atau rendah.")
    if aturan and aturan not in {r.code for r in config().rules}:
        raise FilterError("Aturan peringatan yang dipilih tidak dikenal.")
    return Filters(year, region_id, jenis, tingkat, aturan)
