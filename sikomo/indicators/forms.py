from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sikomo.forms import Form
from sikomo.indicators.facts import GROWTH_CRITERIA
from sikomo.indicators.moved import MAX_WINDOW

CRITERION_LABELS = {
    "volume_usaha": "Kenaikan volume usaha",
    "total_aset": "Kenaikan total aset",
    "volume_usaha_dan_aset": "Kenaikan volume usaha dan aset",
}


class SettingsForm(Form):
    aktif_window = IntegerField(
        "Jendela aktif (tahun RAT berturut-turut)", validators=[NumberRange(1, MAX_WINDOW)]
    )
    berkualitas_criterion = SelectField(
        "Kriteria pertumbuhan koperasi berkualitas",
        choices=[SelectChoice(k, CRITERION_LABELS[k]) for k in GROWTH_CRITERIA],
    )


class TargetForm(Form):
    code = SelectField("Indikator")
    tahun = IntegerField("Tahun", validators=[NumberRange(2000, 2100)])
    nilai = DecimalField("Target (kosongkan untuk menghapus)", validators=[Optional()])


class PdrbForm(Form):
    tahun = IntegerField("Tahun", validators=[NumberRange(2000, 2100)])
    nilai = IntegerField(
        "PDRB ADHB (Rp, kosongkan untuk menghapus)", validators=[Optional(), NumberRange(min=1)]
    )


class DefinitionForm(Form):
    nama = StringField("Nama", validators=[DataRequired(), Length(max=200)])
    pembilang = TextAreaField("Pembilang", validators=[DataRequired()])
    penyebut = TextAreaField("Penyebut", validators=[Optional()])
    satuan = StringField("Satuan", validators=[DataRequired(), Length(max=32)])
    arah = SelectField("Arah", choices=[SelectChoice("naik", "Makin tinggi makin baik"),
                                        SelectChoice("turun", "Makin rendah makin baik")])  # fmt: skip
    sumber = TextAreaField("Sumber", validators=[Optional()])


class PublishedForm(Form):
    berkas = FileField(
        "Tabel terbit (CSV: kecamatan, indicator, value)",
        validators=[FileRequired("Pilih berkas CSV."), FileAllowed(["csv"], "Hanya CSV.")],
    )
