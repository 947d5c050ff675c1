from pathlib import Path

import click

from sikomo.reports.importer import import_file


@click.command("import-reports")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_reports_command(file: Path):
    """Import reports (one row each: nik, tahun_buku and schema keys) as submitted, all or nothing."""

    def progress(checked: int, written: int, total: int) -> None:
        if written:
            click.echo(f"{written}/{total} baris ditulis", err=True)
        else:
            click.echo(f"{checked}/{total} baris diperiksa", err=True)

    result = import_file("cli", file.read_bytes(), file.name, progress)
    if not result.ok:
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            f"{len(result.errors)} kesalahan; tidak ada laporan yang disimpan."
        )
    click.echo(
        f"{result.created} laporan diimpor sebagai diajukan ({result.warnings} peringatan kualitas)."
    )
