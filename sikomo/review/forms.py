from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from sikomo.forms import Form
from sikomo.models import Predikat
from sikomo.review.corrections import ACCEPT, KEEP
from sikomo.review.operations import KEMBALIKAN, MAX_TEXT, SESUAIKAN, SETUJUI, Decision
from sikomo.review.values import PREDIKAT_LABELS

ANSWER_CHOICES = {"": None, "ya": True, "tidak": False}


class DecisionForm(Form):
    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    keputusan = RadioField(
        "Keputusan",
        choices=[
            SelectChoice(SETUJUI, "Setujui (predikat hasil mesin)"),
            SelectChoice(SESUAIKAN, "Setujui dengan penyesuaian"),
            SelectChoice(KEMBALIKAN, "Kembalikan ke pengurus"),
        ],
        validators=[DataRequired("Pilih keputusan.")],
    )
    predikat = SelectField(
        "Predikat penyesuaian",
        choices=[SelectChoice("", "— pilih —")]
        + [SelectChoice(p.value, label) for p, label in PREDIKAT_LABELS.items()],
        validators=[Optional()],
    )
    justification = TextAreaField("Alasan penyesuaian (wajib bila disesuaikan)")
    note = TextAreaField("Catatan untuk pengurus (wajib bila dikembalikan)")
    submit = SubmitField("Simpan keputusan")

    def decision(self) -> Decision:
        return Decision(
            kind=self.keputusan.data,
            version_id=self.version_id.data,
            predikat=Predikat(self.predikat.data) if self.predikat.data else None,
            justification=self.justification.data or "",
            note=self.note.data or "",
        )


class AnswersForm(Form):
    """The version the page was rendered with; the answers are read by `answers_from`."""

    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    submit = SubmitField("Simpan koreksi & hitung ulang")


def answers_from(formdata, codes) -> dict[str, bool | None]:
    """One select per item named `jawaban-<code>`: '' follows the pengurus, 'ya' / 'tidak' correct."""
    return {code: ANSWER_CHOICES.get(formdata.get(f"jawaban-{code}", "")) for code in codes}


def notes_from(formdata, codes) -> dict[str, str]:
    """The note typed beside each item (`catatan-<code>`); items without the field are left out."""
    return {code: formdata[f"catatan-{code}"] for code in codes if f"catatan-{code}" in formdata}


class NotApplicableForm(Form):
    """Confirm one indicator *tidak berlaku* for this cooperative, with the reason."""

    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    indikator = HiddenField(validators=[DataRequired(), Length(max=100)])
    alasan = TextAreaField(
        "Alasan tidak berlaku (wajib)",
        validators=[
            DataRequired("Alasan tidak berlaku wajib diisi."),
            Length(
                max=MAX_TEXT, message=f"Alasan terlalu panjang (paling banyak {MAX_TEXT} karakter)."
            ),
        ],
    )
    submit = SubmitField("Tetapkan tidak berlaku")


class WithdrawForm(Form):
    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    indikator = HiddenField(validators=[DataRequired(), Length(max=100)])
    submit = SubmitField("Cabut penetapan")


class ConflictForm(Form):
    """Settle a conflict: keep the pengawas's correction or accept the pengurus's new answer."""

    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    butir = HiddenField(validators=[DataRequired(), Length(max=100)])
    keputusan = HiddenField(validators=[AnyOf((KEEP, ACCEPT))])
