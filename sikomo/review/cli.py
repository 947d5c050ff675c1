"""Review commands: flask --app sikomo rescore / import-assessments."""

from pathlib import Path

import click

import scoring
from sikomo.format import angka
from sikomo.review.values import predikat_label


@click.command("rescore")
@click.option("--year", "year", type=int, required=True, help="Tahun buku yang dinilai ulang.")
@click.option(
    "--ruleset", "ruleset_id", default=None, help="Id ruleset (bawaan: sesuai tahun buku)."
)
@click.option(
    "--apply-to-pending",
    is_flag=True,
    help="Simpan hasil baru sebagai penilaian sementara laporan yang belum disetujui.",
)
def rescore_command(year, ruleset_id, apply_to_pending):
    """Re-run the engine on a book year's reports and list the predikat that would change."""
    from sikomo.review.rescore import apply_to_pending as apply
    from sikomo.review.rescore import rescore

    ruleset = None
    if ruleset_id:
        rulesets = scoring.builtin_rulesets()
        if ruleset_id not in rulesets:
            raise click.ClickException(
                f"Ruleset '{ruleset_id}' tidak dikenal ({', '.join(rulesets)})."
            )
        ruleset = rulesets[ruleset_id]
    lines = rescore(year, ruleset)
    changed = [line for line in lines if line.changed]
    for line in changed:
        click.echo(describe(line))
    for line in (x for x in lines if x.error):
        click.echo(
            f"galat  {line.report.cooperative.nik or '-'}  {line.report.cooperative.nama}: {line.error}"
        )
    new = sum(1 for x in lines if x.old_predikat is None and x.result is not None)
    click.echo(
        f"Tahun buku {year}: {len(lines)} laporan dinilai ulang, {len(changed)} predikat berubah "
        f"({sum(x.approved for x in changed)} sudah disetujui), {new} belum pernah dinilai, "
        f"{sum(1 for x in lines if x.error)} galat."
    )
    if apply_to_pending:
        stored = apply("cli", lines)
        click.echo(
            f"Penilaian sementara baru disimpan untuk {stored} laporan yang belum disetujui."
        )
    click.echo("Keputusan yang sudah disetujui tidak diubah.")


def describe(line) -> str:
    coop = line.report.cooperative
    status = line.report.status.value
    old, new = predikat_label(line.old_predikat), predikat_label(line.new_predikat)
    total = f"{angka(line.old_total, 2)} -> {angka(line.result.total, 2)}"
    return f"{coop.nik or '-':<16}  {coop.nama[:40]:<40}  {status:<12}  {old} -> {new}  ({total})"


@click.command("import-assessments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_assessments_command(file: Path):
    """Import assessments decided before SIKOMO (CSV/XLSX, all or nothing)."""
    from sikomo.review.importer import COLUMNS, import_assessments

    result = import_assessments("cli", file.read_bytes(), file.name)
    if not result.ok:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(f"Kolom yang diharapkan: {', '.join(COLUMNS)}", err=True)
        raise click.ClickException("Impor dibatalkan: tidak ada data yang disimpan.")
    click.echo(f"Impor berhasil: {result.created} penilaian disimpan sebagai penilaian impor.")
