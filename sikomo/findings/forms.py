"""Finding forms; each refusal is an Indonesian sentence, and what was typed is shown again."""

from datetime import date

from wtforms import (
    DateField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput, TextInput

from sikomo import deadlines
from sikomo.findings.operations import Criterion, FindingData
from sikomo.forms import Form
from sikomo.models import CriterionKind, Severity

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
MAX_TEXT = 2000
LAINNYA = CriterionKind.LAINNYA.value


def required(message: str):
    return [DataRequired(message)]


class DueDateField(DateField):
    """A date typed as Indonesians write it (31/12/2026); shown back the same way (a text input:
    the browser's date picker would send and show its own format)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Tanggal tidak valid: tulis seperti 31/12/2026.") from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""


class FindingForm(Form):
    version_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    kriteria = SelectField("Kriteria", validators=required("Pilih kriteria temuan."),
                           validate_choice=False)  # fmt: skip
    kriteria_lainnya = StringField("Kriteria lainnya (bila tidak ada di daftar)",
                                   validators=[Length(max=300)])  # fmt: skip
    tingkat = RadioField("Tingkat", choices=[SelectChoice(s.value, s.label) for s in Severity],
                         validators=required("Pilih tingkat temuan."))  # fmt: skip
    uraian = TextAreaField("Uraian temuan", validators=[*required("Uraian temuan wajib diisi."),
                                                        Length(max=MAX_TEXT)])  # fmt: skip
    rekomendasi = TextAreaField("Rekomendasi", validators=[*required("Rekomendasi wajib diisi."),
                                                           Length(max=MAX_TEXT)])  # fmt: skip
    batas = DueDateField("Batas tindak lanjut", format=DATE_FORMATS,
                         validators=[InputRequired("Batas tindak lanjut wajib diisi (hh/bb/tttt).")],
                         render_kw={"placeholder": "hh/bb/tttt", "inputmode": "numeric"})  # fmt: skip

    def __init__(self, *args, criteria: list[Criterion] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {c.key: c for c in criteria}
        self.kept_due = None
        self.kriteria.choices = [SelectChoice("", "— pilih —")] + [
            SelectChoice(c.key, label(c)) for c in criteria
        ] + [SelectChoice(LAINNYA, "Lainnya (tulis sendiri)")]  # fmt: skip

    def validate_kriteria(self, field):
        if field.data != LAINNYA and field.data not in self.known:
            raise ValidationError("Kriteria tidak dikenal; pilih dari daftar atau Lainnya.")

    def validate_kriteria_lainnya(self, field):
        if self.kriteria.data == LAINNYA and not (field.data or "").strip():
            raise ValidationError("Tulis kriteria temuan bila memilih Lainnya.")

    def validate_batas(self, field):
        kept = field.data == self.kept_due  # an edit may leave a date that has passed since
        if field.data is not None and not kept and field.data < deadlines.today():
            raise ValidationError("Batas tindak lanjut tidak boleh sebelum hari ini.")

    def criterion(self) -> Criterion:
        if self.kriteria.data == LAINNYA:
            return Criterion(
                CriterionKind.LAINNYA, None, " ".join(self.kriteria_lainnya.data.split())
            )
        return self.known[self.kriteria.data]

    def data_of(self) -> FindingData:
        return FindingData(self.criterion(), Severity(self.tingkat.data), self.uraian.data.strip(),
                           self.rekomendasi.data.strip(), self.batas.data)  # fmt: skip

    def fill(self, finding) -> None:
        """Show a finding's words in the form (its edit page)."""
        kind = finding.criterion_kind
        self.kriteria.data = (f"{kind.value}:{finding.criterion_code}" if finding.criterion_code
                              else LAINNYA)  # fmt: skip
        if kind == CriterionKind.LAINNYA:
            self.kriteria_lainnya.data = finding.criterion
        self.tingkat.data = finding.severity.value
        self.uraian.data, self.rekomendasi.data = finding.description, finding.recommendation
        self.batas.data, self.version_id.data = finding.due_date, finding.version_id


def label(c: Criterion) -> str:
    prefix = "Indikator" if c.kind == CriterionKind.INDIKATOR else "Butir kuesioner"
    text = c.text if len(c.text) <= 110 else c.text[:107] + "…"
    return f"{prefix}: {text}"  # the code is the value, never shown (schema keys stay inside)


class StepForm(Form):
    version_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class AnswerForm(StepForm):
    sikap = RadioField("Sikap pengurus", choices=[SelectChoice("setuju", "Setuju"),
                                                  SelectChoice("tidak_setuju", "Tidak setuju")],
                       validators=required("Pilih setuju atau tidak setuju."))  # fmt: skip
    tanggapan = TextAreaField("Tanggapan", validators=[*required("Tanggapan wajib diisi."),
                                                       Length(max=MAX_TEXT)])  # fmt: skip


class FollowUpForm(StepForm):
    uraian = TextAreaField("Tindak lanjut yang dilakukan",
                           validators=[*required("Uraikan tindak lanjut yang dilakukan."),
                                       Length(max=MAX_TEXT)])  # fmt: skip
    bukti = MultipleFileField("Bukti (PDF, JPG atau PNG; paling besar 10 MB per berkas)")


class CloseForm(StepForm):
    catatan = TextAreaField("Catatan penutupan", validators=[*required("Catatan penutupan wajib "
                                                             "diisi."), Length(max=MAX_TEXT)])  # fmt: skip


class ReopenForm(StepForm):
    alasan = TextAreaField("Alasan dibuka kembali", validators=[*required("Alasan dibuka kembali "
                                                               "wajib diisi."), Length(max=MAX_TEXT)])  # fmt: skip
