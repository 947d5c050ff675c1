from pathlib import Path

import click

from sikomo.backup import operations as ops


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_command(folder: Path):
    """Back up the database and the attachments into a new folder under FOLDER."""
    try:
        target = ops.backup(folder)
    except ops.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Cadangan tersimpan: {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--ya", is_flag=True, help="Jangan bertanya: ganti data sekarang.")
def restore_command(source: Path, ya: bool):
    """Replace the database and the attachments with the backup in SOURCE (stop the app first)."""
    if not ya:
        click.confirm("Semua data dan lampiran sekarang diganti dengan isi cadangan. Lanjutkan?",
                      abort=True)  # fmt: skip
    try:
        manifest = ops.restore(source)
    except ops.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["baris"].values())
    click.echo(f"Dipulihkan dari cadangan {manifest['dibuat']}: {rows:,} baris.".replace(",", "."))
