from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from sikomo.forms import Form
from sikomo.letters import text

BODY_LENGTH = 20_000


def one_newline(value: str | None) -> str | None:
    return value.replace("\r\n", "\n") if value else value


def placeholders_known(form, field) -> None:
    found = text.problems(field.data or "")
    if found:
        raise ValidationError(" ".join(found))


class TemplateForm(Form):
    subject = StringField("Perihal", validators=[InputRequired(), Length(max=300),
                                                 placeholders_known])  # fmt: skip
    body = TextAreaField("Isi surat", filters=[one_newline],
                         validators=[InputRequired(), Length(max=BODY_LENGTH), placeholders_known])  # fmt: skip


class NumberFormatForm(Form):
    pattern = StringField(
        "Format nomor surat", validators=[InputRequired(), Length(max=64)],
        description="Mis. 500.3/{seq:03d}/416-110/{year}: {seq} nomor urut dalam tahun, {year} "
        "tahun, {bulan} bulan dalam angka Romawi.",
    )  # fmt: skip

    def validate_pattern(self, field) -> None:
        found = text.number_problems(field.data or "")
        if found:
            raise ValidationError(" ".join(found))


class LetterForm(Form):
    jenis = SelectField("Jenis surat", choices=[])
    penandatangan = SelectField("Penanda tangan", choices=[], coerce=str)
    batas_waktu = DateField("Batas waktu", validators=[Optional()],
                            description="Tanggal yang dicetak di surat teguran dan panggilan.")  # fmt: skip
    keterangan = TextAreaField(
        "Keterangan", filters=[one_newline], validators=[Length(max=1000)],
        description="Dicetak di tempat isian keterangan: mis. kewajiban yang belum dipenuhi, "
        "atau tempat dan jam pertemuan.",
    )  # fmt: skip
    template_id = HiddenField()
    penilaian = HiddenField()
