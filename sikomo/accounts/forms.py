import re

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from sikomo.forms import Form

NIP = re.compile(r"[0-9]{18}")  # a civil servant's NIP: 18 digits


def valid_nip(form, field) -> None:
    """A NIP of 18 digits, spaces removed, or blank (not a civil servant)."""
    digits = "".join((field.data or "").split())
    if digits and not NIP.fullmatch(digits):
        raise ValidationError("NIP terdiri atas 18 angka.")
    field.data = digits


class ProfileForm(Form):
    name = StringField(
        "Nama lengkap (dengan gelar)",
        validators=[DataRequired("Nama wajib diisi."), Length(max=200)],
    )
    nip = StringField(
        "NIP",
        validators=[valid_nip],
        description="18 angka; spasi boleh. Kosongkan bila bukan ASN.",
    )
    jabatan = StringField(
        "Jabatan", validators=[Length(max=200)],
        description="Dicetak di bawah tanda tangan, mis. Pengawas Koperasi Ahli Muda",
    )  # fmt: skip

    def values(self) -> dict[str, str | None]:
        return {
            "name": " ".join(self.name.data.split()),
            "nip": self.nip.data or None,
            "jabatan": " ".join((self.jabatan.data or "").split()) or None,
        }


class NewPasswordForm(Form):
    """A new password typed twice: through a one-time link (invitation or reset), and below."""

    new = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired("Wajib diisi.")],
        description="Paling sedikit 12 karakter; gabungan beberapa kata yang tidak berhubungan "
        "mudah diingat dan sulit ditebak.",
    )
    again = PasswordField(
        "Ulangi kata sandi baru",
        validators=[
            DataRequired("Wajib diisi."),
            EqualTo("new", "Tidak sama dengan kata sandi baru."),
        ],
    )


class PasswordForm(NewPasswordForm):
    """Changing one's own password: the current one first."""

    current = PasswordField("Kata sandi sekarang", validators=[DataRequired("Wajib diisi.")])


class ForgotForm(Form):
    email = StringField(
        "Email akun Anda",
        validators=[DataRequired("Email wajib diisi."), Length(max=254)],
    )
