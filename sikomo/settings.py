"""Typed access to the key/value settings with their defaults."""

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.models import Setting

DEFAULTS: dict[str, Any] = {
    # RAT held in each of this many consecutive years (ending at the indicator year) makes it aktif.
    "aktif_window": 2,
    # Growth criterion of "koperasi berkualitas": volume_usaha or total_aset.
    "berkualitas_criterion": "volume_usaha",
    # A diajukan report waiting longer than this many days is overdue in the review queue.
    "batas_tunggu_hari": 30,
    # Deadlines (sikomo/deadlines.py): the last day to hold a tahun buku's RAT in the next year
    # (month-day), and the days after the RAT within which its report is due.
    "batas_rat": "06-30",
    "batas_lapor_hari": 30,
    # Four-eyes: an approval that overrides or changes the engine's result needs a second user.
    "empat_mata": True,
    # The letterhead of certificates and letters (blank: a generic one).
    "kop_pemerintah": "",
    "kop_dinas": "",
    "kop_alamat": "",
    # The number of a letter (sikomo/letters): {seq} in its year, {year}, {bulan} (Roman month).
    "nomor_surat_format": "{seq:03d}/SKK-SRT/{year}",
}


CACHE = "settings"  # session.info key: every setting, read once per session (request)


def get_setting(key: str) -> Any:
    """The setting's value or its default; all settings are read in one query per request."""
    cached = db.session.info.get(CACHE)
    if cached is None:
        cached = {row.key: row.value for row in db.session.scalars(select(Setting))}
        db.session.info[CACHE] = cached
    return cached[key] if key in cached else DEFAULTS[key]


def set_setting(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = value
    db.session.add(row)
    db.session.info.pop(CACHE, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_settings(session: Session, previous_transaction) -> None:
    session.info.pop(CACHE, None)
