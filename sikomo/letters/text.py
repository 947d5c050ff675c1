"""Letter text with placeholders, filled without evaluating anything the Dinas typed.

A template is read with `string.Formatter().parse` only to split it into literal text and the
names between braces; each name must be one of PLACEHOLDERS, written bare (no attribute, index,
conversion or format), and is replaced by a plain string. Nothing is ever passed to str.format or
Jinja, so "{0.__class__}", "{x!r}" or "{% ... %}" can never run. "{{" and "}}" print one brace.
"""

import string
from datetime import date

PLACEHOLDERS: dict[str, str] = {
    "nama_koperasi": "Nama koperasi",
    "nik": "Nomor Induk Koperasi (NIK)",
    "alamat": "Alamat koperasi (jalan dan desa/kelurahan)",
    "kecamatan": "Kecamatan koperasi",
    "jenis_koperasi": "Jenis koperasi",
    "tahun_buku": "Tahun buku penilaian terakhir yang disetujui",
    "predikat": "Predikat kesehatan penilaian itu",
    "nilai_total": "Skor total penilaian itu (mis. 72,50)",
    "nomor_sertifikat": "Nomor surat keterangan kesehatan penilaian itu",
    "tanggal": "Tanggal surat (mis. 5 Mei 2026)",
    "nomor_surat": "Nomor surat ini",
    "batas_waktu": "Batas waktu yang dipilih saat membuat surat",
    "keterangan": "Keterangan yang diketik saat membuat surat (mis. tempat dan jam pertemuan)",
    "nama_penandatangan": "Nama penanda tangan",
    "jabatan": "Jabatan penanda tangan",
    "nip": "NIP penanda tangan",
    "nama_dinas": "Nama dinas pada kop surat",
}
UNBALANCED = (
    "Kurung kurawal tidak berpasangan. Tempat isian ditulis {nama_koperasi}; untuk mencetak "
    "kurung kurawal itu sendiri, tulis {{ atau }}."
)

# The number of a letter: {seq} (its sequence in the year), {year}, {bulan} (the month in Roman
# numerals); {seq} and {year} may carry a width such as {seq:03d}.
NUMBER_FIELDS = ("seq", "year", "bulan")
NUMBER_SPECS = {"", "d"} | {f"{z}{w}{d}" for z in ("", "0") for w in "123456" for d in ("", "d")}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_LENGTH = 64  # Letter.number


def parts(text: str) -> list[tuple[str, str | None, str, str | None]]:
    """(literal, name, format spec, conversion) pieces; ValueError for unbalanced braces."""
    return list(string.Formatter().parse(text))


def problems(text: str, allowed=PLACEHOLDERS) -> list[str]:
    """What is wrong with a template text, in Indonesian (empty when it may be saved)."""
    try:
        pieces = parts(text)
    except ValueError:
        return [UNBALANCED]
    found = []
    for _, name, spec, conversion in pieces:
        if name is None:
            continue
        if name not in allowed:
            found.append(f"Tempat isian {{{name}}} tidak dikenal. Pakai salah satu dari daftar "
                         "tempat isian, atau tulis {{ dan }} untuk mencetak kurung kurawal.")  # fmt: skip
        elif spec or conversion:
            found.append(f"Tempat isian {{{name}}} ditulis tanpa tambahan apa pun (tanpa ':' "
                         "atau '!').")  # fmt: skip
    return list(dict.fromkeys(found))


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each placeholder replaced by its value (an unknown one is kept as typed)."""
    out = []
    for literal, name, spec, conversion in parts(text):
        out.append(literal)
        if name is None:
            continue
        if name in values and not spec and not conversion:
            out.append(str(values[name]))
        else:  # never reached for a saved template (problems() refused it): shown, not run
            out.append("{" + name + ("!" + conversion if conversion else "") +
                       (":" + spec if spec else "") + "}")  # fmt: skip
    return "".join(out)


def number_problems(pattern: str) -> list[str]:
    """What is wrong with a letter-number pattern such as '500.3/{seq:03d}/416-110/{year}'."""
    try:
        pieces = parts(pattern)
    except ValueError:
        return [UNBALANCED]
    names = [name for _, name, _, _ in pieces if name is not None]
    found = [f"Tempat isian {{{n}}} tidak dikenal pada format nomor; yang dapat dipakai: {{seq}}, "
             "{year} dan {bulan}." for n in names if n not in NUMBER_FIELDS]  # fmt: skip
    for _, name, spec, conversion in pieces:
        if name in NUMBER_FIELDS and (conversion or spec not in NUMBER_SPECS or
                                      (spec and name == "bulan")):  # fmt: skip
            found.append(f"Format {{{name}:{spec}}} tidak dapat dipakai; tulis mis. {{seq:03d}}.")
    if not found and not {"seq", "year"} <= set(names):
        found.append("Format nomor wajib memuat {seq} (nomor urut) dan {year} (tahun), agar "
                     "setiap surat bernomor lain.")  # fmt: skip
    if not found and len(number(pattern, 99999, date(2026, 12, 31))) > NUMBER_LENGTH:
        found.append(f"Nomor surat paling panjang {NUMBER_LENGTH} karakter.")
    return list(dict.fromkeys(found))


def number(pattern: str, seq: int, day: date) -> str:
    """The printed number of the `seq`-th letter of `day`'s year under a checked pattern."""
    values = {"seq": seq, "year": day.year, "bulan": ROMAN[day.month - 1]}
    out = []
    for literal, name, spec, _ in parts(pattern):
        out.append(literal)
        if name in ("seq", "year"):
            out.append(format(int(values[name]), spec))  # an int and a width only: nothing runs
        elif name == "bulan":
            out.append(str(values[name]))
    return "".join(out)
