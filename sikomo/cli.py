"""Operational commands: flask --app sikomo <command>."""

from pathlib import Path

import click


def init_app(app) -> None:
    from sikomo.backup.cli import backup_command, restore_command
    from sikomo.indicators.cli import COMMANDS as INDICATOR_COMMANDS
    from sikomo.notify.cli import COMMANDS as NOTIFY_COMMANDS
    from sikomo.reports.cli import import_reports_command
    from sikomo.review.cli import import_assessments_command, rescore_command
    from sikomo.supervision.cli import early_warning_command
    from sikomo.users.cli import create_user_command, init_command

    commands = (init_command, seed_demo_command, create_user_command, import_command, regions_command,
                import_reports_command, rescore_command, import_assessments_command,
                refresh_scores_command, verify_audit_command, backup_command, restore_command,
                early_warning_command, *INDICATOR_COMMANDS, *NOTIFY_COMMANDS)  # fmt: skip
    for command in commands:
        app.cli.add_command(command)


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo data set (idempotent) and print the demo logins."""
    from sikomo.demo.seed import seed_demo

    result = seed_demo()
    click.echo(
        f"Koperasi baru: {result['koperasi']}, laporan baru: {result['laporan']}, "
        f"penilaian baru: {result['penilaian']}"
    )
    click.echo("Akun demo (email / kata sandi):")
    for role, email, password in result["pengguna"]:
        click.echo(f"  {role:<9} {email:<24} {password}")


@click.command("refresh-scores")
@click.option("--all", "everything", is_flag=True, help="Hitung ulang semua, juga yang terkini.")
def refresh_scores_command(everything):
    """Store the engine's result of every report version the review queue shows, and the line
    items the early warnings read of every version.

    The pages compute missing rows themselves; run this after an upgrade (a new ruleset makes
    every row stale, a new rasio.toml every vector) or a bulk import, so no page waits for
    thousands.
    """
    from sikomo.format import angka
    from sikomo.review.queue import refresh_queued
    from sikomo.supervision.figures import fill_missing

    written = refresh_queued(everything)
    click.echo(f"Hasil mesin tersimpan untuk {angka(written)} versi laporan.")
    filled = fill_missing()
    click.echo(f"Angka laporan untuk peringatan dini diisi untuk {angka(filled)} versi laporan.")


@click.command("import-koperasi")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Import the cooperative register from a CSV or XLSX file (all or nothing)."""
    from sikomo.registry.importer import import_cooperatives

    result = import_cooperatives("cli", file.read_bytes(), file.name)
    if not result.ok:
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException("Impor dibatalkan: tidak ada data yang disimpan.")
    click.echo(
        f"Impor berhasil: {result.created} baru, {result.updated} diperbarui, "
        f"{result.unchanged} tanpa perubahan."
    )


@click.command("load-regions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def regions_command(file: Path):
    """Load kecamatan and desa from a CSV file with columns kabupaten,kecamatan,desa."""
    from sikomo.regions import load_regions

    click.echo(f"Kecamatan baru/diubah: {load_regions('cli', file)}")


@click.command("verify-audit")
def verify_audit_command():
    """Check the audit trail's hash chain; exit 1 at the first row that does not follow."""
    from sikomo import audit_guard
    from sikomo.extensions import db

    verdict = audit_guard.verify(db.session.connection())
    if verdict.broken_at is not None:
        click.echo(f"Jejak audit RUSAK: peristiwa #{verdict.broken_at} tidak menyambung dengan "
                   f"peristiwa sebelumnya (diubah, disisipkan, atau ada yang dihapus sebelumnya).")  # fmt: skip
        raise SystemExit(1)
    if not verdict.head_matches:
        click.echo("Jejak audit RUSAK: peristiwa terakhir tidak sama dengan ujung rantai yang "
                   "tersimpan (ada peristiwa terakhir yang dihapus).")  # fmt: skip
        raise SystemExit(1)
    click.echo(f"Jejak audit utuh: {verdict.rows:,} peristiwa.".replace(",", "."))
    click.echo(f"Ujung rantai: {verdict.head} (catat di luar SIKOMO untuk dibandingkan kelak)")
