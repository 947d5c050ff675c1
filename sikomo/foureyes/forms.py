from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import AnyOf, DataRequired
from wtforms.widgets import HiddenInput

from sikomo.forms import Form
from sikomo.foureyes.rules import KONFIRMASI, TARIK, TOLAK


class SecondForm(Form):
    """The second user's answer to a held decision (or its author's withdrawal): one button each."""

    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    keputusan = HiddenField(validators=[AnyOf((KONFIRMASI, TOLAK, TARIK))])
    alasan = TextAreaField("Alasan penolakan (wajib bila ditolak)")
