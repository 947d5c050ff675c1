"""Change the office settings and its logo; read the letterhead. Every change is audited."""

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from sikomo import audit
from sikomo.extensions import db
from sikomo.indicators import stale
from sikomo.models import OfficeLogo
from sikomo.settings import get_setting, set_setting

EDITABLE = ("kop_pemerintah", "kop_dinas", "kop_alamat", "batas_tunggu_hari", "batas_rat",
            "batas_lapor_hari", "empat_mata")  # fmt: skip
# The deadlines decide which reports came on time: every year's stored counts (stale.py).
DEADLINES = ("batas_rat", "batas_lapor_hari")
MAX_LOGO_BYTES = 2 * 1024 * 1024  # as uploaded
MAX_LOGO_PIXELS = 4000 * 4000  # a decompression bomb is refused before it is decoded
LOGO_SIDE = 400  # stored at most this wide and high: a letterhead needs no more


class OfficeError(ValueError):
    """A refused change, with the reason shown to the user."""


@dataclass(frozen=True)
class Letterhead:
    pemerintah: str  # e.g. PEMERINTAH KABUPATEN MOJOKERTO
    dinas: str
    alamat: str
    logo: bytes | None  # PNG
    logo_version: str = ""  # changes with the logo: a page links the current one

    @property
    def filled(self) -> bool:
        return bool(self.pemerintah and self.dinas)


def letterhead() -> Letterhead:
    """What a certificate or letter prints at its head; generic words where none are set."""
    logo = db.session.get(OfficeLogo, 1)
    return Letterhead(
        pemerintah=get_setting("kop_pemerintah") or "PEMERINTAH DAERAH",
        dinas=get_setting("kop_dinas") or "DINAS KOPERASI",
        alamat=get_setting("kop_alamat") or "",
        logo=logo.png if logo is not None else None,
        logo_version=logo.sha256[:12] if logo is not None else "",
    )


def change(
    actor, values: dict[str, Any], logo: bytes | None = None, drop_logo: bool = False
) -> bool:
    """Store the settings (validated by the form) and a new logo (or none), all or nothing, in one
    commit; OfficeError for a logo that is refused. False when nothing changed."""
    png = normalised_png(logo) if logo is not None else None  # refused before anything is written
    before = {k: get_setting(k) for k in values if k in EDITABLE}
    after = {k: v for k, v in values.items() if k in EDITABLE}
    changed = before != after
    if changed:
        for key, value in after.items():
            set_setting(key, value)
        audit.record(actor, "office.settings", None, before, after)
        if any(before.get(k) != after.get(k) for k in DEADLINES if k in after):
            stale.invalidate(db.session.connection(), stale.YEARS)
    row = db.session.get(OfficeLogo, 1)
    if png is not None or (drop_logo and row is not None):
        changed = True
        audit.record(actor, "office.logo", None, {"logo": row.sha256 if row else None},
                     {"logo": hashlib.sha256(png).hexdigest() if png else None})  # fmt: skip
        if png is None:
            db.session.delete(row)
        else:
            row = row or OfficeLogo(id=1)
            row.png, row.sha256 = png, hashlib.sha256(png).hexdigest()
            row.updated_at = datetime.now(UTC)
            db.session.add(row)
    if changed:
        db.session.commit()
    return changed


def normalised_png(data: bytes) -> bytes:
    """The image decoded and encoded again (nothing but pixels survives), at most LOGO_SIDE
    pixels a side, or OfficeError."""
    if len(data) > MAX_LOGO_BYTES:
        raise OfficeError("Berkas logo terlalu besar (paling besar 2 MB).")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise OfficeError("Logo harus berupa berkas PNG atau JPEG.")
            if image.width * image.height > MAX_LOGO_PIXELS:
                raise OfficeError("Gambar logo terlalu besar (paling besar 4000 × 4000 piksel).")
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGBA")  # a phone photo upright
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise OfficeError("Berkas bukan gambar PNG atau JPEG yang dapat dibaca.") from exc
    picture.thumbnail((LOGO_SIDE, LOGO_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
