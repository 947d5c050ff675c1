"""Export of the (filtered) register to CSV and XLSX in the import's own columns, so an exported
file can be edited and imported again."""

from sikomo import spreadsheet
from sikomo.models import Cooperative
from sikomo.registry.importer import COLUMNS
from sikomo.spreadsheet import Column

KINDS = {"tanggal_badan_hukum": "date"}  # every other column is text (a NIK too: 16 digits)
EXPORT_COLUMNS = [Column(c, KINDS.get(c, "text")) for c in COLUMNS]


def export_row(coop: Cooperative) -> list:
    return [
        coop.nik or "",
        coop.nama,
        coop.kecamatan,
        coop.desa or "",
        coop.jenis.value,
        "ya" if coop.simpan_pinjam else "tidak",
        coop.nomor_badan_hukum or "",
        coop.tanggal_badan_hukum,
        coop.alamat or "",
    ]


def to_csv(coops, comma: bool = False) -> bytes:
    return spreadsheet.to_csv(EXPORT_COLUMNS, (export_row(c) for c in coops), comma)


def to_xlsx(coops) -> bytes:
    return spreadsheet.to_xlsx(EXPORT_COLUMNS, (export_row(c) for c in coops), "Koperasi")
