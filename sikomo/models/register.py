"""The register: kecamatan, cooperatives and user accounts."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sikomo.extensions import db
from sikomo.models.base import Jenis, JSONType, Role, str_enum, utcnow

if TYPE_CHECKING:  # string annotations, resolved by the mapper registry
    from sikomo.models.reports import Report


class Region(db.Model):
    """A kecamatan (district) with its desa/kelurahan, loaded as data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kabupaten: Mapped[str] = mapped_column(String(100))
    kecamatan: Mapped[str] = mapped_column(String(100), unique=True)
    desa: Mapped[list[str]] = mapped_column(JSONType, default=list)

    def __repr__(self) -> str:
        return f"<Region {self.kecamatan}>"


class Cooperative(db.Model):
    # The indicators count the register by kecamatan and jenis from this index alone.
    __table_args__ = (
        Index(
            "ix_cooperative_register", "region_id", "jenis", "tanggal_badan_hukum", "simpan_pinjam"
        ),
        # The public search matches words in the name, the NIK or the kecamatan of every
        # cooperative: it reads these columns from the index, never the rows.
        Index("ix_cooperative_search", "nama", "nik", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)
    nama: Mapped[str] = mapped_column(String(200), index=True)
    nomor_badan_hukum: Mapped[str | None] = mapped_column(String(100))
    tanggal_badan_hukum: Mapped[date | None] = mapped_column(Date)
    alamat: Mapped[str | None] = mapped_column(String(300))
    desa: Mapped[str | None] = mapped_column(String(100))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    jenis: Mapped[Jenis] = mapped_column(str_enum(Jenis), index=True)
    simpan_pinjam: Mapped[bool] = mapped_column(Boolean, default=False)
    jumlah_anggota: Mapped[int | None] = mapped_column(Integer)
    tanggal_binaan: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    region: Mapped[Region] = relationship()
    reports: Mapped[list["Report"]] = relationship(
        back_populates="cooperative", order_by="(Report.tahun_buku.desc(), Report.version.desc())"
    )

    @property
    def kecamatan(self) -> str:
        return self.region.kecamatan

    def __repr__(self) -> str:
        return f"<Cooperative {self.id} {self.nama}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # What a signed document prints under the name: the civil servant number and position.
    nip: Mapped[str | None] = mapped_column(String(30))
    jabatan: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cooperative: Mapped[Cooperative | None] = relationship()
    # The token of the server-side session this object was loaded for (sikomo/sessions): what
    # Flask-Login keeps in the session and the remember-me cookie, never the bare id.
    session_token = None  # str | None: set by sikomo.sessions.start and .lookup, not stored

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("a user signs in through sikomo.sessions.start, which gives a token")
        return self.session_token

    def set_password(self, password: str) -> None:
        from sikomo.auth.passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        from sikomo.auth.passwords import verify

        return verify(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
