from wtforms import IntegerField, RadioField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import HiddenInput

from sikomo.forms import Form
from sikomo.models import Predikat
from sikomo.review.operations import KEMBALIKAN, SESUAIKAN, SETUJUI, Decision
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
