"""A FlaskForm base whose built-in WTForms messages are in Indonesian, and the one number field
every form uses: a text input read as Indonesians write numbers (1.250 · Rp 1.234.567 · 45,5)."""

import re

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from sikomo.format import angka
from sikomo.numbers import AmountError, parse_amount, parse_decimal

MESSAGES = {
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "This field is required.": "Wajib diisi.",
    "Invalid email address.": "Format email tidak valid.",
    "Field cannot be longer than %(max)d character.": "Paling banyak %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Paling banyak %(max)d karakter.",
    "Field must be at least %(min)d character long.": "Paling sedikit %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Paling sedikit %(min)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Diisi %(min)d sampai %(max)d karakter."
    ),
    "The CSRF token is missing.": "Token CSRF tidak ada; muat ulang halaman.",
    "The CSRF token is invalid.": "Token CSRF tidak valid; muat ulang halaman.",
    "The CSRF token has expired.": "Token CSRF kedaluwarsa; muat ulang halaman.",
    "The CSRF session token is missing.": "Sesi formulir tidak ditemukan; muat ulang halaman.",
    "The CSRF tokens do not match.": "Token CSRF tidak cocok; muat ulang halaman.",
    "The referrer header is missing.": "Permintaan tidak berasal dari halaman SIKOMO.",
    "The referrer does not match the host.": "Permintaan tidak berasal dari halaman SIKOMO.",
}


class IndonesianTranslations:
    def gettext(self, string):
        return MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return IndonesianTranslations()


class NumberField(StringField):
    """A whole number (places=0) or a decimal, parsed by sikomo.numbers with the report forms'
    messages, bounded by `minimum`/`maximum`; never the browser's type=number, which reads 45,5 as
    455 and refuses 1.250. `data` is an int (or a Decimal with places) or None for a blank; a page
    shown again after an error keeps what was typed."""

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        minimum=None,
        maximum=None,
        places=0,
        money=False,
        signed=False,
        **kw,
    ):
        render_kw = {"inputmode": "decimal" if places else "numeric", "autocomplete": "off"}
        super().__init__(label, validators, render_kw=render_kw | kw.pop("render_kw", {}), **kw)
        self.minimum, self.maximum, self.places, self.money = minimum, maximum, places, money
        self.signed = signed  # a loss may be typed (-1.250.000); else a minus is refused

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0]
        try:
            if not self.money and _RUPIAH.match(text):
                raise AmountError(COUNT_MESSAGES[_AMOUNT_EXAMPLE])
            if self.places:
                self.data = parse_decimal(text, places=self.places, signed=self.signed)
            else:
                self.data = parse_amount(text, signed=self.signed)
        except AmountError as exc:
            self.data = None
            message = str(exc) if self.money else COUNT_MESSAGES.get(str(exc), str(exc))
            raise ValueError(_sentence(message)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else angka(self.data, self.places if self.places else 0)

    def pre_validate(self, form):
        if self.data is None or self.process_errors:
            return
        low, high = self.minimum, self.maximum
        if (low is not None and self.data < low) or (high is not None and self.data > high):
            if low is not None and high is not None:
                message = f"Diisi antara {angka(low)} dan {angka(high)}."
            elif low is not None:
                message = f"Paling kecil {angka(low)}."
            else:
                message = f"Paling besar {angka(high)}."
            raise ValidationError(message)


_RUPIAH = re.compile(r"\s*-?\s*rp", re.IGNORECASE)
_AMOUNT_EXAMPLE = "tulis angka seperti 1234567, 1.234.567 atau Rp 1.234.567"
# parse_amount speaks of rupiah; a count or a number of days is written without Rp or sen.
COUNT_MESSAGES = {
    _AMOUNT_EXAMPLE: "tulis angka seperti 1250 atau 1.250",
    "harus bilangan bulat (tanpa sen)": "harus bilangan bulat",
    "melebihi batas Rp 1.000.000.000.000.000": "melebihi batas 1.000.000.000.000.000",
}


def _sentence(text: str) -> str:
    """'tidak boleh negatif' -> 'Tidak boleh negatif.'"""
    return text[:1].upper() + text[1:].rstrip(".") + "."
