"""Report forms, built from the schema: amounts accept 1234567, 1.234.567 or Rp 1.234.567."""

from datetime import date, timedelta
from functools import cache

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from scoring.schema import fields
from sikomo.format import angka, tanggal
from sikomo.numbers import AmountError, parse_amount
from sikomo.reports.sections import Section, amount_keys

ANSWERS = [SelectChoice("ya", "Terpenuhi"), SelectChoice("tidak", "Tidak terpenuhi")]


class AmountField(StringField):
    """A rupiah or count field: keeps the typed text, parses it, and says what is wrong."""

    def __init__(self, *args, signed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed = signed
        self.parsed: int | None = None

    def process_data(self, value):
        self.data = angka(value) if isinstance(value, int) else value

    def pre_validate(self, form):
        try:
            self.parsed = parse_amount(self.data, signed=self.signed)
        except AmountError as exc:
            self.parsed = None
            raise ValidationError(str(exc)) from None


class DraftForm(FlaskForm):
    version_id = HiddenField()


class DateText(StringField):
    """An ISO date within a plausible range: a RAT is not held before 1945 or years ahead."""

    def pre_validate(self, form):
        if self.data and self.data.strip():
            try:
                moment = date.fromisoformat(self.data.strip())
            except ValueError:
                raise ValidationError("tulis tanggal seperti 2026-03-14") from None
            latest = date.today() + timedelta(days=366)
            if not date(1945, 1, 1) <= moment <= latest:
                raise ValidationError(f"tanggal harus antara 1 Januari 1945 dan {tanggal(latest)}")


@cache
def section_form(section: Section) -> type[DraftForm]:
    """One form class per section, with a field per schema key (prior-year twins included)."""
    schema = fields()
    attrs = {}
    for key in amount_keys(section):
        f = schema[key]
        attrs[key] = AmountField(
            f.label, description=f.help, signed=f.kind == "signed_money", validators=[Optional()]
        )
    if section.slug == "identitas":
        attrs["tanggal_rat"] = DateText("Tanggal RAT", description=schema["tanggal_rat"].help)
    return type(f"Form_{section.slug.replace('-', '_')}", (DraftForm,), attrs)


def item_field_name(code: str) -> str:
    return "q__" + code.replace(".", "__")


@cache
def questionnaire_form(item_codes: tuple[str, ...]) -> type[DraftForm]:
    attrs = {
        item_field_name(code): RadioField(code, choices=ANSWERS, validators=[Optional()])
        for code in item_codes
    }
    return type("QuestionnaireForm", (DraftForm,), attrs)


class StartForm(FlaskForm):
    tahun_buku = SelectField("Tahun buku", coerce=int, validators=[DataRequired()])


class SubmitForm(DraftForm):
    pass


class AttachmentForm(DraftForm):
    berkas = FileField(
        "Berkas (PDF, JPG atau PNG, maks. 10 MB)", validators=[FileRequired("Pilih berkas.")]
    )
    keterangan = StringField("Keterangan", validators=[Optional(), Length(max=200)])


class UploadForm(DraftForm):
    berkas = FileField(
        "Template XLSX yang telah diisi", validators=[FileRequired("Pilih berkas XLSX.")]
    )


class ImportForm(FlaskForm):
    berkas = FileField("Berkas CSV atau XLSX", validators=[FileRequired("Pilih berkas.")])


class ExplanationForm(DraftForm):
    catatan = TextAreaField("Catatan", validators=[Optional(), Length(max=500)])
