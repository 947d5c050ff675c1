"""Typed SQLAlchemy 2 models of SIKOMO."""

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    exists,
    false,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from sikomo.extensions import db

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


class Predikat(enum.StrEnum):
    SEHAT = "sehat"
    CUKUP_SEHAT = "cukup_sehat"
    DALAM_PENGAWASAN = "dalam_pengawasan"
    DALAM_PENGAWASAN_KHUSUS = "dalam_pengawasan_khusus"


class AssessmentStatus(enum.StrEnum):
    PROVISIONAL = "provisional"
    APPROVED = "approved"
    IMPORTED = "imported"


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cooperative: Mapped[Cooperative | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Report(db.Model):
    """One version of a RAT report; `data` holds the canonical schema keys."""

    __table_args__ = (
        UniqueConstraint("cooperative_id", "tahun_buku", "version"),
        # The indicators look for older versions that count in place of the newest (compute.py).
        Index("ix_report_counted_latest_tanggal_rat", "counted_latest", "tanggal_rat"),
        Index("ix_report_tahun_buku_cooperative_id", "tahun_buku", "cooperative_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    tahun_buku: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus), default=ReportStatus.DRAF)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # Copies of `data` keys, refreshed on every flush, so the Dinas indicators can GROUP BY in SQL.
    tanggal_rat: Mapped[date | None] = mapped_column(Date, index=True)
    volume_usaha: Mapped[int | None] = mapped_column(BigInteger)
    volume_usaha_lalu: Mapped[int | None] = mapped_column(BigInteger)
    total_aset: Mapped[int | None] = mapped_column(BigInteger)
    total_aset_lalu: Mapped[int | None] = mapped_column(BigInteger)
    # True on the newest counted version of its (cooperative, tahun buku): kept by a flush listener
    # (refresh_counted_latest below) so the indicators need no GROUP BY max(version).
    counted_latest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    cooperative: Mapped[Cooperative] = relationship(back_populates="reports")
    assessments: Mapped[list["Assessment"]] = relationship(back_populates="report")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="report", order_by="Attachment.id"
    )

    # The pengawas's note when the report is returned (dikembalikan); the pengurus reads it.
    review_note: Mapped[str | None] = mapped_column(Text)
    review: Mapped["Review | None"] = relationship(back_populates="report")

    __mapper_args__ = {"version_id_col": version_id}

    def sync_columns(self) -> None:
        """Copy the queried keys of `data` into their columns (unparseable values become None)."""
        data = self.data or {}
        self.tanggal_rat = parse_date(data.get("tanggal_rat"))
        for key in REPORT_FIGURE_COLUMNS:
            setattr(self, key, parse_int(data.get(key)))


REPORT_FIGURE_COLUMNS = ("volume_usaha", "volume_usaha_lalu", "total_aset", "total_aset_lalu")


def parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def parse_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return None


@event.listens_for(Report, "before_insert")
@event.listens_for(Report, "before_update")
def _sync_report_columns(mapper, connection, target: Report) -> None:
    target.sync_columns()


def counted_latest_value(report):
    """SQL for `counted_latest` of a row of `report` (a table or alias): counted, and no newer
    version of the same cooperative and tahun buku counted."""
    newer = report.alias("newer")
    return and_(
        counted(report),
        ~exists().where(
            newer.c.cooperative_id == report.c.cooperative_id,
            newer.c.tahun_buku == report.c.tahun_buku,
            newer.c.version > report.c.version,
            counted(newer),
        ),
    )


def counted(report):
    return or_(report.c.status.in_(COUNTED_REPORT_STATUSES), report.c.imported.is_(True))


def refresh_counted_latest(connection, keys=None) -> None:
    """Recompute `counted_latest` for the given (cooperative_id, tahun_buku) pairs, or all rows.

    Only rows whose flag changes are written.
    """
    table = Report.__table__
    value = counted_latest_value(table)
    statement = update(table).values(counted_latest=value)
    statement = statement.where(table.c.counted_latest.is_distinct_from(value))
    if keys is None:
        connection.execute(statement)
        return
    by_year: dict[int, list[int]] = {}
    for cooperative_id, tahun_buku in sorted(set(keys)):
        by_year.setdefault(tahun_buku, []).append(cooperative_id)
    for tahun_buku, ids in by_year.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            connection.execute(
                statement.where(table.c.tahun_buku == tahun_buku, table.c.cooperative_id.in_(chunk))
            )


# A change to any of these can change which version of a report is the newest counted one.
COUNTED_LATEST_INPUTS = ("cooperative_id", "tahun_buku", "version", "status", "imported")


def _counted_latest_keys(session: Session) -> set[tuple[int, int]]:
    """The (cooperative_id, tahun_buku) pairs whose flags this flush may have changed."""
    keys = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Report):
            keys.add((obj.cooperative_id, obj.tahun_buku))
    for obj in session.dirty:
        if not isinstance(obj, Report):
            continue
        attrs = inspect(obj).attrs
        histories = [attrs[name].history for name in COUNTED_LATEST_INPUTS]
        if any(h.has_changes() for h in histories):
            keys.add((obj.cooperative_id, obj.tahun_buku))
            old = [(h.deleted or h.unchanged or h.added or [None])[0] for h in histories[:2]]
            keys.add(tuple(old))
    return {k for k in keys if None not in k}


@event.listens_for(Session, "after_flush")
def _refresh_counted_latest(session: Session, flush_context) -> None:
    """Keep `counted_latest` right after any flush that added, deleted or re-decided versions."""
    keys = _counted_latest_keys(session)
    if not keys:
        return
    connection = session.connection()
    refresh_counted_latest(connection, keys)
    # Reports of these keys loaded in the session get the stored value without a reload.
    loaded = {}
    for obj in session.identity_map.values():
        state = inspect(obj)
        if isinstance(obj, Report) and (
            (state.dict.get("cooperative_id"), state.dict.get("tahun_buku")) in keys
        ):
            loaded[state.identity[0]] = obj
    if loaded:
        table = Report.__table__
        query = select(table.c.id, table.c.counted_latest).where(table.c.id.in_(list(loaded)))
        for row_id, flag in connection.execute(query):
            set_committed_value(loaded[row_id], "counted_latest", bool(flag))


class Assessment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    method: Mapped[Method] = mapped_column(str_enum(Method))
    ruleset_id: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[str] = mapped_column(String(50))
    ruleset_hash: Mapped[str] = mapped_column(String(128))
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    total_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    predikat: Mapped[Predikat | None] = mapped_column(str_enum(Predikat))
    engine_predikat: Mapped[Predikat | None] = mapped_column(str_enum(Predikat))
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus), default=AssessmentStatus.PROVISIONAL
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    justification: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # SKK/{year}/{id:05d}, given when a pengawas approves; printed on the certificate.
    certificate_number: Mapped[str | None] = mapped_column(String(32), unique=True)

    report: Mapped[Report] = relationship(back_populates="assessments")
    decided_by: Mapped[User | None] = relationship()


class IndicatorFact(db.Model):
    """What one cooperative contributes to the Dinas indicators of one year: derived data.

    Kept in step with reports, assessments and the register by sikomo/indicators/facts.py, so the
    indicators read one narrow row per cooperative instead of its report versions.
    """

    __table_args__ = (
        # The indicators read only these columns of one year, grouped by kecamatan and jenis.
        Index(
            "ix_indicator_fact_year",
            "year",
            "region_id",
            "jenis",
            "tanggal_badan_hukum",
            "ksp",
            "streak",
            "sehat",
            "grew_volume_usaha",
            "grew_total_aset",
            "grew_volume_usaha_dan_aset",
            "volume",
            "volume_prev",
            "cooperative_id",
        ),
    )

    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperative.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # the indicator year
    # Copies of the cooperative's register entry.
    region_id: Mapped[int] = mapped_column(Integer)
    jenis: Mapped[Jenis] = mapped_column(str_enum(Jenis))
    ksp: Mapped[bool] = mapped_column(Boolean)  # a KSP or USP, or keeps a simpan pinjam unit
    tanggal_badan_hukum: Mapped[date | None] = mapped_column(Date)
    # RAT held in `year` and in each year before it, without a gap: 0 when not held in `year`.
    streak: Mapped[int] = mapped_column(Integer)
    volume: Mapped[int] = mapped_column(BigInteger)  # volume usaha of the RATs held in `year`
    volume_prev: Mapped[int] = mapped_column(BigInteger)  # ... and in `year` - 1
    # A report of a RAT held in `year` grew, by each berkualitas criterion.
    grew_volume_usaha: Mapped[bool] = mapped_column(Boolean)
    grew_total_aset: Mapped[bool] = mapped_column(Boolean)
    grew_volume_usaha_dan_aset: Mapped[bool] = mapped_column(Boolean)
    # The latest decided assessment of the tahun buku `year` counts: 1 sehat, 0 not, None none.
    sehat: Mapped[int | None] = mapped_column(Integer)


class AuditEvent(db.Model):
    """Append-only record of a change: who, when, what, before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    actor: Mapped[User | None] = relationship()


class Setting(db.Model):
    """Key/value settings such as aktif_window; their defaults live in settings.py."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)


class Pdrb(db.Model):
    """PDRB ADHB (regional GDP at current prices) of the district for one year."""

    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    nilai: Mapped[int] = mapped_column(BigInteger)


class Target(db.Model):
    """Target value of a Dinas indicator for one year."""

    indicator_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    tahun: Mapped[int] = mapped_column(Integer, primary_key=True)
    nilai: Mapped[Decimal] = mapped_column(Numeric(12, 4))


class Attachment(db.Model):
    """A file attached to a report version (RAT minutes, signed statements), stored by random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="attachments")


class Review(db.Model):
    """The pengawas's working state on one report version, kept apart from the pengurus's data.

    `answers_pengawas` holds only the questionnaire answers a pengawas corrected ({item_code: bool});
    the pengurus's answers stay untouched in `report.data["kuesioner"]`, and the live score merges
    the two (the pengawas's answer wins). The decision itself is an Assessment row.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    answers_pengawas: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    report: Mapped[Report] = relationship(back_populates="review")
    updated_by: Mapped[User | None] = relationship()


class ApiToken(db.Model):
    """A cooperative's API token: only its SHA-256 is stored; the token itself is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)  # shown to tell tokens apart
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cooperative: Mapped[Cooperative] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IndicatorDirection(enum.StrEnum):
    NAIK = "naik"  # higher is better
    TURUN = "turun"  # lower is better


class IndicatorDefinition(db.Model):
    """A Dinas indicator's words as data; how it is computed lives in sikomo/indicators/compute.py."""

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    pembilang: Mapped[str] = mapped_column(Text)
    penyebut: Mapped[str | None] = mapped_column(Text)
    satuan: Mapped[str] = mapped_column(String(32))
    arah: Mapped[IndicatorDirection] = mapped_column(
        str_enum(IndicatorDirection), default=IndicatorDirection.NAIK
    )
    sumber: Mapped[str | None] = mapped_column(Text)
    urutan: Mapped[int] = mapped_column(Integer, default=0)
    iku: Mapped[bool] = mapped_column(Boolean, default=False)
