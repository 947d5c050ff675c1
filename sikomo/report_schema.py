"""The web side's copy of the canonical RAT report keys (see docs of the schema) and its sums."""

ASSET_KEYS = (
    "kas",
    "bank",
    "simpanan_di_koperasi_lain",
    "surat_berharga",
    "pinjaman_lancar",
    "pinjaman_kurang_lancar",
    "pinjaman_diragukan",
    "pinjaman_macet",
    "persediaan",
    "piutang_usaha",
    "aset_lancar_lain",
    "penyertaan",
    "aset_tetap",
    "aset_lain",
)
# ppap is an allowance (a positive number) deducted from the assets above.
CONTRA_ASSET_KEYS = ("ppap",)
# Of pinjaman diberikan, the part owed by members: a breakdown, not an extra asset.
BREAKDOWN_KEYS = ("pinjaman_anggota",)
PINJAMAN_KEYS = (
    "pinjaman_lancar",
    "pinjaman_kurang_lancar",
    "pinjaman_diragukan",
    "pinjaman_macet",
)
CURRENT_LIABILITY_KEYS = (
    "simpanan_sukarela_anggota",
    "simpanan_sukarela_non_anggota",
    "simpanan_berjangka_anggota",
    "simpanan_berjangka_non_anggota",
    "hutang_pajak",
    "beban_masih_harus_dibayar",
    "hutang_biaya",
    "dana_shu_dibagikan",
    "kewajiban_lancar_lain",
)
LONG_LIABILITY_KEYS = ("pinjaman_bank_jangka_panjang", "kewajiban_jangka_panjang_lain")
EQUITY_KEYS = (
    "simpanan_pokok",
    "simpanan_wajib",
    "modal_penyetaraan",
    "modal_penyertaan",
    "hibah",
    "cadangan_umum",
    "cadangan_tujuan_risiko",
    "shu_belum_dibagi",
)
TOTAL_KEYS = ("total_aset", "total_kewajiban_lancar", "total_kewajiban", "total_ekuitas")
NERACA_KEYS = (
    ASSET_KEYS
    + CONTRA_ASSET_KEYS
    + BREAKDOWN_KEYS
    + CURRENT_LIABILITY_KEYS
    + LONG_LIABILITY_KEYS
    + EQUITY_KEYS
    + TOTAL_KEYS
)
INCOME_KEYS = (
    "partisipasi_bruto",
    "beban_pokok",
    "pendapatan_non_anggota",
    "pendapatan_lain",
    "total_pendapatan",
    "beban_usaha",
    "beban_karyawan",
    "beban_perkoperasian",
    "beban_lain",
    "shu_kotor",
    "pajak",
    "shu_sebelum_pajak",
    "shu_setelah_pajak",
    "biaya_pembinaan",
)
SHU_KEYS = ("shu_kotor", "shu_sebelum_pajak", "shu_setelah_pajak", "shu_belum_dibagi")
MEMBER_KEYS = ("jumlah_anggota", "jumlah_calon_anggota", "jumlah_karyawan", "volume_usaha")
# Keys that carry a `_lalu` twin (prior year end) in SIKOMO's reports.
LALU_KEYS = NERACA_KEYS + SHU_KEYS[:-1] + ("jumlah_anggota", "volume_usaha")


def balance_problems(data: dict, suffix: str = "") -> list[str]:
    """Names of the balance-sheet identities that do not hold within Rp 1."""

    def total(keys):
        return sum(data.get(k + suffix, 0) for k in keys)

    checks = {
        "aset": total(ASSET_KEYS) - total(CONTRA_ASSET_KEYS) - data.get("total_aset" + suffix, 0),
        "kewajiban_lancar": total(CURRENT_LIABILITY_KEYS)
        - data.get("total_kewajiban_lancar" + suffix, 0),
        "kewajiban": data.get("total_kewajiban_lancar" + suffix, 0)
        + total(LONG_LIABILITY_KEYS)
        - data.get("total_kewajiban" + suffix, 0),
        "ekuitas": total(EQUITY_KEYS) - data.get("total_ekuitas" + suffix, 0),
        "neraca": data.get("total_aset" + suffix, 0)
        - data.get("total_kewajiban" + suffix, 0)
        - data.get("total_ekuitas" + suffix, 0),
    }
    return [name for name, gap in checks.items() if abs(gap) > 1]
