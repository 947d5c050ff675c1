from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from sikomo.forms import Form


class LoginForm(Form):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Email wajib diisi."),
            Email("Format email tidak valid.", check_deliverability=False),
        ],
    )
    password = PasswordField(
        "Kata sandi", validators=[DataRequired("Kata sandi wajib diisi."), Length(max=200)]
    )
    remember = BooleanField("Ingat saya")
    submit = SubmitField("Masuk")
