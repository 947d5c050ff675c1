from email_validator import EmailNotValidError, validate_email
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from sikomo.accounts.forms import valid_nip
from sikomo.forms import Form
from sikomo.models import Role

STATUS_CHOICES = [SelectChoice("", "Semua status"), SelectChoice("aktif", "Aktif"),
                  SelectChoice("nonaktif", "Nonaktif"),
                  SelectChoice("undangan", "Belum membuat kata sandi")]  # fmt: skip


class UserForm(Form):
    name = StringField(
        "Nama lengkap", validators=[DataRequired("Nama wajib diisi."), Length(max=200)]
    )
    email = EmailField(
        "Email", validators=[DataRequired("Email wajib diisi."), Length(max=254)],
        description="Undangan dan tautan atur ulang kata sandi dikirim ke alamat ini.",
    )  # fmt: skip
    role = SelectField("Peran", choices=[])
    koperasi = StringField(
        "Koperasi (untuk pengurus)", validators=[Optional(), Length(max=200)],
        description="Ketik nama atau NIK koperasi; bila ada beberapa yang cocok, pilih satu.",
    )  # fmt: skip
    koperasi_id = HiddenField()
    nip = StringField(
        "NIP", validators=[valid_nip], description="18 angka; kosongkan bila bukan ASN."
    )
    jabatan = StringField("Jabatan", validators=[Optional(), Length(max=200)])

    def __init__(self, *args, roles: tuple[Role, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, r.label) for r in roles]

    def validate_email(self, field):
        """A well-formed address (no DNS lookup; the demo's .test domain is allowed)."""
        try:
            field.data = validate_email(
                field.data.strip(), check_deliverability=False, test_environment=True
            ).normalized
        except EmailNotValidError:
            raise ValidationError("Format email tidak valid, mis. nama@dinas.go.id.") from None

    def values(self, cooperative_id: int | None) -> dict:
        return {
            "name": " ".join(self.name.data.split()),
            "email": self.email.data,
            "role": Role(self.role.data),
            "cooperative_id": cooperative_id,
            "nip": self.nip.data or None,
            "jabatan": " ".join((self.jabatan.data or "").split()) or None,
        }


class FilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("Cari nama atau email", validators=[Optional(), Length(max=200)])
    peran = SelectField("Peran", choices=[SelectChoice("", "Semua peran")] + [SelectChoice(r.value, r.label) for r in Role],
                        validators=[Optional()])  # fmt: skip
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[Optional()])
