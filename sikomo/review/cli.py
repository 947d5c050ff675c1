"""Review commands: flask --app sikomo rescore / import-assessments."""

from pathlib import Path

import click

import scoring
from sikomo.format import angka


@click.command("rescore")
@click.option("--year", "year", type=int, required=True, help="Tahun buku yang dinilai ulang.")
@click.option(
    "--ruleset", "ruleset_id", default=None, help="Id ruleset (bawaan: sesuai tahun buku)."
)
@click.option(
    "--apply-to-pending",
    is_flag=True,
    help="Simpan hasil baru sebagai penilaian sementara laporan yang belum diputuskan.",
)
def rescore_command(year, ruleset_id, apply_to_pending):
    """Re-run the engine on a book year's reports and list what the ruleset would change."""
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
    click.echo(heading(year, ruleset))
    for line in lines:
        if line.changed or line.is_new:
            click.echo(describe(line))
    for line in (x for x in lines if x.error):
        coop = line.report.cooperative
        click.echo(f"galat  {coop.nik or '-'}  {coop.nama}: {line.error}")
    click.echo(summary(year, lines))
    if apply_to_pending:
        stored = apply("cli", lines)
        click.echo(
            f"Penilaian sementara baru disimpan untuk {stored} laporan yang belum diputuskan."
        )
    else:
        click.echo("Tidak ada yang disimpan (tambahkan --apply-to-pending untuk menyimpan).")
    click.echo("Keputusan yang sudah disetujui tidak diubah; hash ruleset-nya tetap.")


def heading(year: int, ruleset) -> str:
    which = (
        f"ruleset {ruleset.id} versi {ruleset.version}"
        if ruleset
        else "ruleset yang berlaku untuk tahun buku itu"
    )
    return f"Penilaian ulang tahun buku {year} dengan {which} (lama → baru):"


def summary(year: int, lines) -> str:
    def count(attribute: str) -> int:
        return sum(1 for x in lines if getattr(x, attribute))

    decided = sum(1 for x in lines if x.changed and x.decided)
    return (
        f"\nRingkasan tahun buku {year}: {len(lines)} laporan dinilai ulang; "
        f"{count('changed')} berubah ({decided} sudah disetujui); "
        f"{count('predikat_changed')} predikat berubah; "
        f"{count('became_provisional')} menjadi sementara; "
        f"{count('is_new')} belum pernah dinilai; {count('error')} galat."
    )


def describe(line) -> str:
    """A report's block: who, then predikat, skor and ruleset, old → new."""
    coop, report = line.report.cooperative, line.report
    status = report.status.value
    if line.decided:
        status += ", keputusan tetap"
    head = f"{coop.nik or '-':<16}  {coop.nama[:40]}  (v{report.version}, {status})"
    before, after = line.before, line.after
    rows = [
        ("predikat", before.predikat_text() if before else "belum dinilai", after.predikat_text()),
        ("skor", score(before), score(after)),
        ("ruleset", ruleset_text(line.old), ruleset_text(line.result)),
    ]
    return "\n".join(["", head] + [f"    {name:<9} {change(old, new)}" for name, old, new in rows])


def change(old: str, new: str) -> str:
    return f"{old} (tetap)" if old == new else f"{old} → {new}"


def score(engine) -> str:
    if engine is None:
        return "–"
    if engine.provisional and engine.has_range:
        return f"sementara {angka(engine.total_min, 2)}–{angka(engine.total_max, 2)}"
    return engine.score_text().lower() if engine.provisional else angka(engine.total, 2)


def ruleset_text(source) -> str:
    """'permenkop_9_2020 2026.12.1 (sha256:33129627…)' of a stored row or a result."""
    if source is None:
        return "–"
    digest = (source.ruleset_hash or "").removeprefix("sha256:")[:12]
    return f"{source.ruleset_id} {source.ruleset_version} ({digest or '-'})"


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
