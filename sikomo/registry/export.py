"""Export of the (filtered) register to CSV and XLSX in the import's own columns."""

import csv
import io

from openpyxl import Workbook

from sikomo.models import Cooperative
from sikomo.registry.importer import COLUMNS


def export_row(coop: Cooperative) -> list:
    return [
        coop.nik or "",
        coop.nama,
        coop.kecamatan,
        coop.desa or "",
        coop.jenis.value,
        "ya" if coop.simpan_pinjam else "tidak",
        coop.nomor_badan_hukum or "",
        coop.tanggal_badan_hukum.isoformat() if coop.tanggal_badan_hukum else "",
        coop.alamat or "",
    ]


def to_csv(coops) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(export_row(c) for c in coops)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(coops) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Koperasi"
    sheet.append(list(COLUMNS))
    for coop in coops:
        sheet.append(export_row(coop))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
