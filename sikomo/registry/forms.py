from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from sikomo.forms import Form, NumberField
from sikomo.models import JENIS_LABELS, Jenis
from sikomo.registry import operations as ops
from sikomo.registry.values import valid_nik


class CooperativeForm(Form):
    nama = StringField(
        "Nama koperasi", validators=[DataRequired("Nama wajib diisi."), Length(max=200)]
    )
    nik = StringField("NIK (Nomor Induk Koperasi)", validators=[Optional(), Length(max=16)])
    nomor_badan_hukum = StringField("Nomor badan hukum", validators=[Optional(), Length(max=100)])
    tanggal_badan_hukum = DateField(
        "Tanggal badan hukum", validators=[Optional()], format="%Y-%m-%d"
    )
    alamat = StringField("Alamat", validators=[Optional(), Length(max=300)])
    region_id = SelectField(
        "Kecamatan", coerce=int, validators=[DataRequired("Kecamatan wajib dipilih.")]
    )
    desa = StringField("Desa/Kelurahan", validators=[Optional(), Length(max=100)])
    jenis = SelectField(
        "Jenis koperasi",
        choices=[SelectChoice(j.value, JENIS_LABELS[j]) for j in Jenis],
        validators=[DataRequired("Jenis wajib dipilih.")],
    )
    simpan_pinjam = BooleanField("Menjalankan usaha simpan pinjam (KSP/USP)")
    jumlah_anggota = NumberField(
        "Jumlah anggota", validators=[Optional()], maximum=10_000_000, description="Misalnya 1.250."
    )
    tanggal_binaan = DateField("Tanggal terdaftar binaan", validators=[Optional()])
    submit = SubmitField("Simpan")

    def __init__(self, *args, cooperative_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative_id = cooperative_id
        self.region_id.choices = [SelectChoice(0, "— pilih —")] + [
            SelectChoice(r.id, r.kecamatan) for r in ops.regions()
        ]

    def validate_nik(self, field):
        if not field.data:
            return
        field.data = field.data.strip()
        if not valid_nik(field.data):
            raise ValidationError("NIK harus tepat 16 digit angka.")
        other = ops.cooperative_by_nik(field.data)
        if other is not None and other.id != self.cooperative_id:
            raise ValidationError(f"NIK sudah dipakai oleh {other.nama}.")

    def values(self) -> dict:
        return {
            "nama": self.nama.data.strip(),
            "nik": (self.nik.data or "").strip() or None,
            "nomor_badan_hukum": self.nomor_badan_hukum.data or None,
            "tanggal_badan_hukum": self.tanggal_badan_hukum.data,
            "alamat": self.alamat.data or None,
            "region_id": self.region_id.data,
            "desa": self.desa.data or None,
            "jenis": Jenis(self.jenis.data),
            "simpan_pinjam": bool(self.simpan_pinjam.data),
            "jumlah_anggota": self.jumlah_anggota.data,
            "tanggal_binaan": self.tanggal_binaan.data,
        }


class ImportForm(Form):
    berkas = FileField(
        "Berkas CSV atau XLSX",
        validators=[
            FileRequired("Pilih berkas terlebih dahulu."),
            FileAllowed(["csv", "xlsx"], "Format berkas harus CSV atau XLSX."),
        ],
    )
    submit = SubmitField("Impor")
