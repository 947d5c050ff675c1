"""Which figures the records reach: a year before the first RAT recorded has no aktif count, not 0."""

# How far back the records must reach for a figure of year Y to exist: it needs RATs held in
# each year from Y - lookback to Y ("window": the aktif window less one). The register's own
# counts (None) always exist. A figure without its years is "belum ada data", never 0.
LOOKBACK: dict[str, int | str | None] = {
    "binaan": None,
    "ksp_usp": None,
    "koperasi_baru": None,
    "pertumbuhan_koperasi_pct": None,
    "aktif": "window",
    "tidak_aktif": "window",
    "aktif_pct": "window",
    "berkualitas_pct": "window",
    "sehat_berkualitas_pct": "window",
    "pertumbuhan_volume_usaha_pct": 1,
}


def known(code: str, year: int, years: list[int], window: int) -> bool:
    """Whether the records (RATs held in `years`, a run of years) reach what `code` of `year`
    needs."""
    back = LOOKBACK.get(code, 0)
    if back is None:
        return True
    back = window - 1 if back == "window" else int(back)
    return bool(years) and years[0] <= year - back and year <= years[-1]
