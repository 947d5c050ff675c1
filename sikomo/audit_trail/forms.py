"""The audit trail's filters, read from the query string (a filtered view is a link); each bad
value gets an Indonesian message naming it, and what was typed stays in the form."""

import re
from datetime import date

from sqlalchemy import func, select
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from sikomo.audit_trail import labels
from sikomo.audit_trail.operations import Criteria, day_start
from sikomo.extensions import db
from sikomo.forms import Form
from sikomo.models import User

MAX_ID = 2**31 - 1  # the id column's range: a larger cursor cannot name an event
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
OBJECT = re.compile(r"^\s*(?P<noun>[^\d#]*?)\s*#?\s*(?P<id>\d{1,18})?\s*$")
NON_USERS = "sistem"  # events recorded with no user (failed sign-ins, commands)


class FilterForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing: its URL is a shareable link

    bagian = SelectField("Bagian", choices=[SelectChoice(*g) for g in labels.GROUPS.items()], default=labels.DATA,
                         validate_choice=False)  # fmt: skip
    pengguna = StringField("Pengguna", validators=[Optional(), Length(max=254)])
    tindakan = SelectField("Tindakan", validators=[Optional()], validate_choice=False)
    objek = StringField("Objek", validators=[Optional(), Length(max=100)])
    dari = DateField("Dari tanggal", format=DATE_FORMATS, validators=[Optional()])
    sampai = DateField("Sampai tanggal", format=DATE_FORMATS, validators=[Optional()])
    sebelum = StringField("Sebelum", validators=[Optional()])
    setelah = StringField("Setelah", validators=[Optional()])

    def __init__(self, args):
        super().__init__(formdata=args)
        group = self.bagian.data if self.bagian.data in labels.GROUPS else labels.DATA
        self.actions = {"": "Semua tindakan", **labels.actions_in(group)}
        self.tindakan.choices = [
            SelectChoice(value, label) for value, label in self.actions.items()
        ]
        self.actor: User | None = None
        self.object_type: str | None = None
        self.object_id: str | None = None

    def validate_bagian(self, field):
        if field.data not in labels.GROUPS:
            raise ValidationError(
                "Bagian tidak dikenal: pilih Perubahan data atau Masuk & keamanan."
            )

    def validate_tindakan(self, field):
        if field.data and field.data not in self.actions:
            raise ValidationError("Tindakan tidak dikenal di bagian ini; pilih dari daftar.")

    def validate_pengguna(self, field):
        """An email or a name names a user; any other text is a label recorded without one
        (sistem, seed-demo, token:<nama>)."""
        text = " ".join(field.data.split())
        column = User.email if "@" in text else User.name
        found = db.session.scalars(select(User).where(func.lower(column) == text.lower()).limit(2))
        users = list(found)
        if len(users) > 1:
            raise ValidationError(f"Ada beberapa pengguna bernama {text}; tulis emailnya.")
        if not users and "@" in text:
            raise ValidationError(f"Tidak ada pengguna dengan email {text}.")
        self.actor = users[0] if users else None

    def validate_objek(self, field):
        found = OBJECT.match(field.data)
        noun = found["noun"] if found else ""
        object_type = labels.object_type_of(noun) if noun else None
        if found is None or not (noun or found["id"]) or (noun and object_type is None):
            known = ", ".join(sorted(set(labels.words().objects.values())))
            raise ValidationError(
                f"Tidak dikenal. Tulis jenis dan nomornya, misalnya «laporan 123»; jenis yang dikenal: {known}."
            )
        self.object_type, self.object_id = object_type, found["id"]

    def validate_dari(self, field):
        in_range(field.data)

    def validate_sampai(self, field):
        in_range(field.data)
        if self.dari.data and field.data < self.dari.data:
            raise ValidationError("Tanggal akhir lebih awal dari tanggal awal.")

    def validate_sebelum(self, field):
        cursor(field.data)

    def validate_setelah(self, field):
        cursor(field.data)
        if self.sebelum.data:
            raise ValidationError("Pilih satu arah halaman saja.")

    def criteria(self) -> Criteria:
        """The validated filters (call after validate())."""
        label = self.pengguna.data.strip() if self.pengguna.data and self.actor is None else None
        return Criteria(
            group=self.bagian.data,
            actor_id=self.actor.id if self.actor else None,
            actor_email=self.actor.email if self.actor else None,
            actor_label=label or None,
            action=self.tindakan.data or None,
            object_type=self.object_type,
            object_id=self.object_id,
            start=day_start(self.dari.data) if self.dari.data else None,
            end=day_start(self.sampai.data, after=True) if self.sampai.data else None,
        )

    def filtered(self) -> bool:
        return any(
            f.data for f in (self.pengguna, self.tindakan, self.objek, self.dari, self.sampai)
        )

    def messages(self) -> list[str]:
        """Each error with the filter it is about (a whole-form one on its own)."""
        return [f"{self[name].label.text}: {m.rstrip('.')}{typed(self[name])}." if name else m
                for name, errors in self.errors.items() for m in errors]  # fmt: skip


def typed(field) -> str:
    """What was typed into a date, which a date input cannot show again once refused."""
    raw = field.raw_data[0] if isinstance(field, DateField) and field.raw_data else ""
    return f" (tertulis «{raw}»)" if raw else ""


def in_range(day: date | None) -> None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(f"Tanggal harus antara tahun {FIRST_YEAR} dan {LAST_YEAR}.")


def cursor(text: str) -> None:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
        raise ValidationError("Penunjuk halaman tidak valid; mulai lagi dari halaman pertama.")


def cursor_value(text: str | None) -> int | None:
    return int(text) if text and text.strip() else None
