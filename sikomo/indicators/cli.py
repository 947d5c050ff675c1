"""flask --app sikomo indicators / load-indicators / audit-indicators."""

from pathlib import Path

import click

from sikomo.indicators.operations import BY_CHOICES


@click.command("indicators")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--by", type=click.Choice(BY_CHOICES), default=None)
@click.option("--format", "fmt", type=click.Choice(("json", "csv")), default="json")
def indicators_command(year, by, fmt):
    """Print the Dinas indicators of a year (the same data as GET /api/v1/indicators)."""
    from sikomo.indicators.operations import indicator_report
    from sikomo.indicators.serialize import to_csv, to_json

    report = indicator_report(year, by)
    click.echo(to_json(report) if fmt == "json" else to_csv(report), nl=fmt == "json")


@click.command("load-indicators")
def load_indicators_command():
    """Load the shipped indicator definitions that are missing (edits are kept)."""
    from sikomo.indicators.operations import load_definitions

    click.echo(f"Definisi indikator baru: {load_definitions('cli')}")


@click.command("audit-indicators")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option(
    "--published",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns kecamatan, indicator, value (a published table to check).",
)
def audit_indicators_command(year, published):
    """Check that totals equal the sum of their rows and compare a published table."""
    from sikomo.indicators.audit import audit_year

    result = audit_year(year, published.read_text(encoding="utf-8-sig") if published else None)
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        raise SystemExit(1)


@click.command("indicator-facts")
def indicator_facts_command():
    """Recompute the stored facts the indicators read (after loading data around the ORM)."""
    from sikomo.extensions import db
    from sikomo.indicators.facts import rebuild

    rows = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Fakta indikator dihitung ulang: {rows:,} baris".replace(",", "."))


COMMANDS = (
    indicators_command,
    load_indicators_command,
    audit_indicators_command,
    indicator_facts_command,
)
