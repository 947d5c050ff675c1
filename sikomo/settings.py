"""Typed access to the key/value settings with their defaults."""

from typing import Any

from sikomo.extensions import db
from sikomo.models import Setting

DEFAULTS: dict[str, Any] = {
    # RAT held in each of this many consecutive years (ending at the indicator year) makes it aktif.
    "aktif_window": 2,
    # Growth criterion of "koperasi berkualitas": volume_usaha or total_aset.
    "berkualitas_criterion": "volume_usaha",
}


def get_setting(key: str) -> Any:
    row = db.session.get(Setting, key)
    return row.value if row is not None else DEFAULTS[key]


def set_setting(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = value
    db.session.add(row)
