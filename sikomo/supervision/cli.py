"""flask --app sikomo early-warning --year YYYY: the district's flags in Indonesian."""

import click

from sikomo.supervision.config import SEVERITIES


@click.command("early-warning")
@click.option(
    "--year",
    "year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="Tahun buku (bawaan: tahun buku terakhir yang laporannya sudah jatuh tempo).",
)
@click.option("--tingkat", type=click.Choice(tuple(SEVERITIES)), default=None,
              help="Hanya peringatan dengan tingkat ini.")  # fmt: skip
def early_warning_command(year, tingkat):
    """Print every early-warning flag of a tahun buku, the most severe first, with its cause."""
    from sikomo.format import angka
    from sikomo.supervision.forms import Filters
    from sikomo.supervision.listing import filtered, rows_of
    from sikomo.supervision.operations import default_year, year_warnings

    year = year or default_year()
    warnings = year_warnings(year)
    rows = rows_of(warnings, filtered(warnings, Filters(year, tingkat=tingkat or "")))
    cooperatives = len({r.cooperative_id for r in rows})
    click.echo(f"Peringatan dini tahun buku {year}: {angka(len(rows))} peringatan pada "
               f"{angka(cooperatives)} koperasi.")  # fmt: skip
    for level, label in SEVERITIES.items():
        click.echo(f"  {label}: {angka(sum(1 for r in rows if r.tingkat == level))}")
    for r in rows:
        click.echo(f"[{r.tingkat_label}] {r.nama} ({r.kecamatan}, {r.jenis}) — {r.aturan}: "
                   f"{r.keterangan}")  # fmt: skip
