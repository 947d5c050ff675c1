"""A FlaskForm base whose built-in WTForms messages are in Indonesian."""

from flask_wtf import FlaskForm

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
