from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from sikomo.forms import Form, NumberField
from sikomo.indicators.facts import GROWTH_CRITERIA
from sikomo.indicators.moved import MAX_WINDOW
from sikomo.models import IndicatorDirection

CRITERION_LABELS = {
    "volume_usaha": "Kenaikan volume usaha",
    "total_aset": "Kenaikan total aset",
    "volume_usaha_dan_aset": "Kenaikan volume usaha dan aset",
}


class SettingsForm(Form):
    aktif_window = NumberField(
        "Jendela aktif (tahun RAT berturut-turut)",
        validators=[InputRequired("Wajib diisi.")],
        minimum=1,
        maximum=MAX_WINDOW,
    )
    berkualitas_criterion = SelectField(
        "Kriteria pertumbuhan koperasi berkualitas",
        choices=[SelectChoice(k, CRITERION_LABELS[k]) for k in GROWTH_CRITERIA],
    )


YEAR = {"validators": [InputRequired("Wajib diisi.")], "minimum": 2000, "maximum": 2100}


class TargetForm(Form):
    code = SelectField("Indikator")
    tahun = NumberField("Tahun", **YEAR)
    nilai = NumberField(
        "Target (kosongkan untuk menghapus)",
        validators=[Optional()],
        places=2,
        money=True,  # a volume usaha target is in rupiah
        description="Persentase ditulis dengan koma, misalnya 45,5.",
    )
    percent_codes: frozenset = frozenset()  # the indicators measured in %, set by the view

    def validate_nilai(self, field):
        if field.data is not None and self.code.data in self.percent_codes and field.data > 100:
            raise ValidationError("Target persentase paling besar 100.")


class PdrbForm(Form):
    tahun = NumberField("Tahun", **YEAR)
    nilai = NumberField(
        "PDRB ADHB (Rp, kosongkan untuk menghapus)",
        validators=[Optional()],
        minimum=1,
        money=True,
        description="Dalam rupiah, misalnya 118.000.000.000.000.",
    )


class DefinitionForm(Form):
    nama = StringField("Nama", validators=[DataRequired(), Length(max=200)])
    pembilang = TextAreaField("Pembilang", validators=[DataRequired()])
    penyebut = TextAreaField("Penyebut", validators=[Optional()])
    satuan = StringField("Satuan", validators=[DataRequired(), Length(max=32)])
    arah = SelectField("Arah", choices=[SelectChoice(d.value, d.label) for d in IndicatorDirection])
    sumber = TextAreaField("Sumber", validators=[Optional()])


class PublishedForm(Form):
    berkas = FileField(
        "Tabel terbit (CSV: kecamatan, indicator, value)",
        validators=[FileRequired("Pilih berkas CSV."), FileAllowed(["csv"], "Hanya CSV.")],
    )
