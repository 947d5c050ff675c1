from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class IssueForm(FlaskForm):
    name = StringField(
        "Nama token",
        validators=[DataRequired("Nama token wajib diisi."), Length(max=100)],
        description="Misalnya nama aplikasi akuntansi yang akan memakai token ini.",
    )


class RevokeForm(FlaskForm):
    pass
