"""Report versions, the listeners that keep their derived columns, and what hangs off a version."""

import weakref
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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
from sqlalchemy.orm import (
    Mapped,
    Session,
    deferred,
    mapped_column,
    object_session,
    relationship,
)
from sqlalchemy.orm.attributes import set_committed_value

from sikomo.extensions import db
from sikomo.models.base import COUNTED_REPORT_STATUSES, JSONType, ReportStatus, str_enum, utcnow
from sikomo.models.register import Cooperative, User

if TYPE_CHECKING:  # string annotations, resolved by the mapper registry
    from sikomo.models.assessments import Assessment


class Report(db.Model):
    """One version of a RAT report; `data` holds the canonical schema keys."""

    __table_args__ = (
        UniqueConstraint("cooperative_id", "tahun_buku", "version"),
        # The indicators look for older versions that count in place of the newest (compute.py).
        Index("ix_report_counted_latest_tanggal_rat", "counted_latest", "tanggal_rat"),
        Index("ix_report_tahun_buku_cooperative_id", "tahun_buku", "cooperative_id", "id"),
        # A year's versions with everything the early warnings read of them, their line items
        # included: a district's year is read from this index alone (supervision/frame.py),
        # never from the wide rows with their JSON.
        Index(
            "ix_report_year_frame",
            "tahun_buku",
            "counted_latest",
            "cooperative_id",
            "id",
            "version",
            "status",
            "imported",
            "submitted_at",
            "tanggal_rat",
            "figures_layout",
            "figures",
        ),  # fmt: skip
        # The review queue selects by status (5,000 of 100,000 reports in a large district).
        Index("ix_report_status_cooperative_id", "status", "cooperative_id", "id"),
        # Beranda counts the reports of a tahun buku by status.
        Index("ix_report_tahun_buku_status", "tahun_buku", "status"),
        # The compliance board counts those waiting since before a date.
        Index("ix_report_status_submitted_at", "status", "submitted_at", "cooperative_id"),
        # The pengawas's worklist counts the corrected versions waiting (version > 1).
        Index("ix_report_status_version", "status", "version"),
        # The first and last RAT of the counted reports (the indicator years, the status year):
        # min() and max() read one entry each.
        Index("ix_report_tanggal_rat_counted", "tanggal_rat", "status", "imported"),
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
    # The line items the early warnings read, as float64 bytes in the order `figures_layout`
    # names: written from `data` on insert and whenever `data` changes (supervision/figures.py).
    figures: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    figures_layout: Mapped[str | None] = deferred(mapped_column(String(16)))

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


LOADED = "reports_by_key"  # session.info: {(cooperative_id, tahun_buku): {id: Report}} as loaded


def _index(session: Session, report: Report) -> None:
    """Weakly, as the identity map holds them: the index never keeps a report in memory."""
    key = (report.cooperative_id, report.tahun_buku)
    index = session.info.setdefault(LOADED, {})
    index.setdefault(key, weakref.WeakValueDictionary())[report.id] = report


@event.listens_for(Report, "load")
def _note_loaded(report: Report, context) -> None:
    """Index loaded reports by key, so a flush finds the ones to update without a full scan."""
    _index(context.session, report)


@event.listens_for(Report, "refresh")
def _note_refreshed(report: Report, context, attrs) -> None:
    # an ORM UPDATE … WHERE refreshes the reports it matched in the session without a context
    session = context.session if context is not None else object_session(report)
    if session is not None:
        _index(session, report)


@event.listens_for(Session, "after_flush")
def _refresh_counted_latest(session: Session, flush_context) -> None:
    """Keep `counted_latest` right after any flush that added, deleted or re-decided versions."""
    for obj in session.new:
        if isinstance(obj, Report):
            _index(session, obj)  # written now: a later flush of this transaction may touch it
    keys = _counted_latest_keys(session)
    if not keys:
        return
    connection = session.connection()
    refresh_counted_latest(connection, keys)
    # Reports of these keys in the session get the stored value without a reload: the ones this
    # flush wrote and the ones loaded before; only the touched keys are looked at.
    index = session.info.get(LOADED, {})
    candidates = [r for r in (*session.new, *session.dirty) if isinstance(r, Report)]
    candidates += [r for key in keys for r in index.get(key, {}).values()]
    loaded = {}
    for obj in candidates:
        state = inspect(obj)
        key = (state.dict.get("cooperative_id"), state.dict.get("tahun_buku"))
        row_id = state.dict.get("id")  # a row inserted by this flush has no identity key yet
        if row_id is not None and key in keys and state.session_id == session.hash_key:
            loaded[row_id] = obj
    if loaded:
        table = Report.__table__
        for start in range(0, len(loaded), 500):
            chunk = list(loaded)[start : start + 500]
            query = select(table.c.id, table.c.counted_latest).where(table.c.id.in_(chunk))
            for row_id, flag in connection.execute(query):
                set_committed_value(loaded[row_id], "counted_latest", bool(flag))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_loaded(session: Session, *args) -> None:
    session.info.pop(LOADED, None)  # objects are expired: a later access loads them again


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
    the two (the pengawas's answer wins, unless the pengurus changed the item since: a conflict).
    `correction_notes` keeps, per corrected item, the pengawas's note, the version the correction
    was carried from (None when made on this version) and the pengurus's answer at that time.
    `not_applicable` holds the indicators the pengawas confirmed *tidak berlaku*, with the reason.
    The decision itself is an Assessment row.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    answers_pengawas: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    # {item_code: {"note": str, "from_version": int | None, "pengurus_before": bool | None}}
    correction_notes: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSONType, default=dict)
    not_applicable: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
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
