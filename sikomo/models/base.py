"""Shared column types, enums and helpers of the SIKOMO models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a plain string so SQLite and PostgreSQL agree."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class Role(enum.StrEnum):
    PENGURUS = "pengurus"
    PENGAWAS = "pengawas"
    DINAS = "dinas"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PENGURUS: "Pengurus Koperasi",
    Role.PENGAWAS: "Pengawas",
    Role.DINAS: "Dinas",
    Role.ADMIN: "Administrator",
}


class Jenis(enum.StrEnum):
    KSP = "ksp"
    USP = "usp"
    KONSUMEN = "konsumen"
    PRODUSEN = "produsen"
    JASA = "jasa"
    PEMASARAN = "pemasaran"
    SERBA_USAHA = "serba_usaha"
    KDKMP = "kdkmp"

    @property
    def label(self) -> str:
        return JENIS_LABELS[self]


JENIS_LABELS = {
    Jenis.KSP: "Simpan Pinjam",
    Jenis.USP: "Unit Simpan Pinjam",
    Jenis.KONSUMEN: "Konsumen",
    Jenis.PRODUSEN: "Produsen",
    Jenis.JASA: "Jasa",
    Jenis.PEMASARAN: "Pemasaran",
    Jenis.SERBA_USAHA: "Serba Usaha",
    Jenis.KDKMP: "Koperasi Desa/Kelurahan Merah Putih",
}


class ReportStatus(enum.StrEnum):
    DRAF = "draf"
    DIAJUKAN = "diajukan"
    DIKEMBALIKAN = "dikembalikan"
    DISETUJUI = "disetujui"

    @property
    def label(self) -> str:
        return {"draf": "Draf", "diajukan": "Diajukan", "dikembalikan": "Dikembalikan",
                "disetujui": "Disetujui"}[self.value]  # fmt: skip


# A report version counts for the indicators once submitted, approved or imported (see status.py).
COUNTED_REPORT_STATUSES = (ReportStatus.DIAJUKAN, ReportStatus.DISETUJUI)


class Method(enum.StrEnum):
    PERMENKOP_9_2020 = "permenkop_9_2020"
    PERDEP_06_2016 = "perdep_06_2016"

    @property
    def label(self) -> str:
        return {"permenkop_9_2020": "Permenkop UKM 9/2020", "perdep_06_2016": "Perdep 06/2016"}[
            self.value
        ]


class Predikat(enum.StrEnum):
    SEHAT = "sehat"
    CUKUP_SEHAT = "cukup_sehat"
    DALAM_PENGAWASAN = "dalam_pengawasan"
    DALAM_PENGAWASAN_KHUSUS = "dalam_pengawasan_khusus"


class AssessmentStatus(enum.StrEnum):
    PROVISIONAL = "provisional"  # the engine's reading, stored; nobody decided on it
    APPROVED = "approved"
    IMPORTED = "imported"
    PENDING = "pending"  # a first decision waiting for a second user (four-eyes)
    REJECTED = "rejected"  # a first decision the second user refused, or its author withdrew

    @property
    def label(self) -> str:
        return {"provisional": "Hasil mesin", "approved": "Disetujui", "imported": "Diimpor",
                "pending": "Menunggu persetujuan kedua", "rejected": "Tidak jadi disetujui",
                }[self.value]  # fmt: skip
