from datetime import date

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from sikomo.format import BULAN
from sikomo.forms import Form, NumberField

MAX_WAIT_DAYS = 365
MAX_REPORT_DAYS = 180  # days after the RAT to submit its report
DAYS = [SelectChoice(str(d), str(d)) for d in range(1, 32)]
MONTHS = [SelectChoice(str(m), name) for m, name in enumerate(BULAN, start=1)]
MONTH_NAMES = dict(enumerate(BULAN, start=1))


def one_newline(text: str | None) -> str | None:
    """A browser sends a textarea's line breaks as CR LF: count each as one character."""
    return text.replace("\r\n", "\n") if text else text


def int_or_none(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


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
    batas_rat_hari = SelectField("Batas RAT: tanggal", choices=DAYS, validate_choice=False)
    batas_rat_bulan = SelectField("Bulan", choices=MONTHS, validate_choice=False)
    batas_lapor_hari = NumberField(
        "Batas lapor (hari setelah RAT)",
        validators=[InputRequired(f"Batas lapor diisi angka hari, 1 sampai {MAX_REPORT_DAYS}.")],
        minimum=1,
        maximum=MAX_REPORT_DAYS,
        description="Laporan RAT jatuh tempo sekian hari setelah tanggal RAT (tanpa tanggal RAT: "
        "setelah batas RAT).",
    )
    empat_mata = BooleanField(
        "Persetujuan kedua (empat mata) untuk keputusan yang mengubah hasil mesin",
        description="Setujui dengan penyesuaian, dan persetujuan atas hasil yang diubah lewat "
        "koreksi atau penetapan tidak berlaku, berlaku setelah dikonfirmasi pengguna kedua.",
    )

    def month_day(self) -> tuple[int, int] | None:
        """(month, day) of the RAT deadline chosen, or None when it is not a day of a year."""
        try:
            month, day = int(self.batas_rat_bulan.data), int(self.batas_rat_hari.data)
            date(2024, month, day)  # a leap year: 29 February is a day (28 in other years)
        except (TypeError, ValueError):
            return None
        return month, day

    def validate_batas_rat_hari(self, field) -> None:
        if self.month_day() is None:
            month = MONTH_NAMES.get(int_or_none(self.batas_rat_bulan.data), "bulan itu")
            raise ValidationError(f"Tanggal itu tidak ada di {month}; pilih tanggal yang ada.")

    @property
    def batas_rat(self) -> str:
        month, day = self.month_day() or (6, 30)
        return f"{month:02d}-{day:02d}"

    def fill_batas_rat(self, setting: str) -> None:
        month, day = (int(part) for part in str(setting).split("-"))
        self.batas_rat_bulan.data, self.batas_rat_hari.data = str(month), str(day)

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
            "batas_rat": self.batas_rat,
            "batas_lapor_hari": self.batas_lapor_hari.data,
            "empat_mata": bool(self.empat_mata.data),
        }
