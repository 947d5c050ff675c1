from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from sikomo.forms import Form


class LoginForm(Form):
    email = EmailField(
        "Email",
        # No syntax check here: a login only has to match a stored address.
        validators=[DataRequired("Email wajib diisi."), Length(max=254)],
    )
    password = PasswordField(
        "Kata sandi", validators=[DataRequired("Kata sandi wajib diisi."), Length(max=200)]
    )
    remember = BooleanField("Ingat saya")
    submit = SubmitField("Masuk")
