from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from sikomo.forms import Form, NumberField

MAX_WAIT_DAYS = 365


def one_newline(text: str | None) -> str | None:
    """A browser sends a textarea's line breaks as CR LF: count each as one character."""
    return text.replace("\r\n", "\n") if text else text


class OfficeForm(Form):
    kop_pemerintah = StringField(
        "Pemerintah daerah", validators=[Length(max=120)],
        description="Baris pertama kop surat, mis. PEMERINTAH KABUPATEN MOJOKERTO",
    )  # fmt: skip
    kop_dinas = StringField(
        "Nama dinas", validators=[Length(max=160)],
        description="Mis. DINAS KOPERASI, USAHA MIKRO DAN PERDAGANGAN",
    )  # fmt: skip
    kop_alamat = TextAreaField(
        "Alamat dinas", validators=[Length(max=300)], filters=[one_newline],
        description="Jalan, nomor, kota, kode pos, telepon, surel: satu atau dua baris",
    )  # fmt: skip
    logo = FileField("Logo (PNG atau JPEG, paling besar 2 MB)")
    hapus_logo = BooleanField("Hapus logo yang tersimpan")
    batas_tunggu_hari = NumberField(
        "Batas tunggu tinjauan (hari)",
        validators=[InputRequired(f"Batas tunggu diisi angka hari, 1 sampai {MAX_WAIT_DAYS}.")],
        minimum=1,
        maximum=MAX_WAIT_DAYS,
        description="Laporan yang menunggu lebih lama ditandai Terlambat ditinjau.",
    )
    empat_mata = BooleanField(
        "Persetujuan kedua (empat mata) untuk keputusan yang mengubah hasil mesin",
        description="Setujui dengan penyesuaian, dan persetujuan atas hasil yang diubah lewat "
        "koreksi atau penetapan tidak berlaku, berlaku setelah dikonfirmasi pengguna kedua.",
    )

    def values(self) -> dict:
        clean = {
            k: " ".join((getattr(self, k).data or "").split())
            for k in ("kop_pemerintah", "kop_dinas")
        }
        alamat = "\n".join(
            " ".join(line.split()) for line in (self.kop_alamat.data or "").splitlines()
        )
        return clean | {
            "kop_alamat": alamat.strip(),
            "batas_tunggu_hari": self.batas_tunggu_hari.data,
            "empat_mata": bool(self.empat_mata.data),
        }
