"""Dinas bulk import of reports: one row per report, all or nothing, through the same edits."""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from scoring.ruleset import all_item_codes
from scoring.schema import KUESIONER_PREFIX, fields
from sikomo import audit, edit_rules, prior_year
from sikomo.extensions import db
from sikomo.models import Cooperative, Report, ReportStatus
from sikomo.numbers import AmountError, parse_amount
from sikomo.progress import EVERY_ROWS, ProgressCallback
from sikomo.registry.importer import RowError, read_table
from sikomo.reports import operations as ops

IDENTITY = ("nik", "tahun_buku")
NOT_IMPORTED = {"cooperative_id", "jenis", "metode"}
IMPORTED_NOTE = "Diimpor oleh Dinas dari berkas; belum ada penjelasan pengurus."
BUSY = ("Laporan yang sama disimpan proses lain, atau basis data sedang dipakai impor lain; "
        "tidak ada laporan yang disimpan. Ulangi impor sebentar lagi.")  # fmt: skip
WRITE_CHUNK = 1000  # reports per flush: the page sees rows written, statements stay per chunk
log = logging.getLogger(__name__)
ANSWERS = {"1": True, "ya": True, "true": True, "terpenuhi": True,
           "0": False, "tidak": False, "false": False, "tidak terpenuhi": False}  # fmt: skip


@dataclass
class ReportImport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    warnings: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    cooperative: Cooperative
    tahun_buku: int
    data: dict[str, Any]


def _check_columns(df: pd.DataFrame, result: ReportImport) -> None:
    allowed = set(fields()) - NOT_IMPORTED
    for column in df.columns:
        name = str(column).strip()
        if name.startswith(KUESIONER_PREFIX):
            if name.removeprefix(KUESIONER_PREFIX) not in all_item_codes():
                result.errors.append(RowError(1, name, "kode butir kuesioner tidak dikenal"))
        elif name not in allowed:
            result.errors.append(RowError(1, name, "kolom tidak dikenal dalam skema laporan"))
    for required in IDENTITY:
        if required not in df.columns:
            result.errors.append(RowError(1, required, "kolom wajib tidak ada"))


def _cell(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _parse_row(line: int, row: dict[str, Any], coops: dict[str, Cooperative], result: ReportImport):
    errors = result.errors
    nik = str(_cell(row.get("nik")) or "").strip()
    coop = coops.get(nik)
    if coop is None:
        errors.append(RowError(line, "nik", f"NIK {nik or '(kosong)'} tidak terdaftar"))
    try:
        tahun = int(str(row.get("tahun_buku", "")).strip())
    except ValueError:
        errors.append(RowError(line, "tahun_buku", "harus tahun, mis. 2025"))
        tahun = None
    data: dict[str, Any] = {}
    for key, raw in row.items():
        value = _cell(raw)
        if key in IDENTITY or value is None:
            continue
        if key.startswith(KUESIONER_PREFIX):
            answer = ANSWERS.get(str(value).strip().lower())
            if answer is None:
                errors.append(
                    RowError(line, key, "harus ya/tidak, 1/0 atau Terpenuhi/Tidak terpenuhi")
                )
            data.setdefault("kuesioner", {})[key.removeprefix(KUESIONER_PREFIX)] = answer
        elif key == "tanggal_rat":
            try:
                data[key] = date.fromisoformat(str(value).strip()[:10]).isoformat()
            except ValueError:
                errors.append(RowError(line, key, "tulis tanggal seperti 2026-03-14"))
        else:
            try:
                data[key] = parse_amount(value, signed=fields()[key].kind == "signed_money")
            except AmountError as exc:
                errors.append(RowError(line, key, f"{exc} (isi: {value!r})"))
    if coop is None or tahun is None:
        return None
    return _Row(line, coop, tahun, {"tahun_buku": tahun, **data})


def _fill_prior_years(rows: list[_Row]) -> None:
    """Fill each row's blank `_lalu` twins from the cooperative's previous report: the stored
    one, else the row of the previous tahun buku in this file (decisions.md item 20)."""
    in_file = {(row.cooperative.id, row.tahun_buku): row for row in rows}
    stored = prior_year.previous_reports(in_file)
    for row in rows:
        key = (row.cooperative.id, row.tahun_buku)
        before = stored.get(key) or in_file.get((key[0], key[1] - 1))
        previous = before.data if before is not None else None
        data, sources = prior_year.fill_lalu(row.data, previous, row.tahun_buku - 1)
        if sources:
            row.data = data | ops.prior_year_marks({}, sources)


def newest_versions(keys: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, ReportStatus]]:
    """(version, status) of the newest stored version of each (cooperative, tahun buku): one
    query per tahun buku and 500 cooperatives, not one per row."""
    by_year: dict[int, list[int]] = {}
    for cooperative_id, tahun_buku in keys:
        by_year.setdefault(tahun_buku, []).append(cooperative_id)
    found: dict[tuple[int, int], tuple[int, ReportStatus]] = {}
    for tahun_buku, ids in by_year.items():
        ids.sort()
        for start in range(0, len(ids), prior_year.CHUNK):
            query = select(Report.cooperative_id, Report.version, Report.status).where(
                Report.tahun_buku == tahun_buku,
                Report.cooperative_id.in_(ids[start : start + prior_year.CHUNK]),
            )
            for cooperative_id, version, status in db.session.execute(query):
                key = (cooperative_id, tahun_buku)
                if key not in found or version > found[key][0]:
                    found[key] = (version, status)
    return found


def _check_row(row: _Row, seen: set, approved: Report | None, newest, result: ReportImport) -> None:
    key = (row.cooperative.id, row.tahun_buku)
    if key in seen:
        result.errors.append(RowError(row.line, "tahun_buku", "laporan yang sama muncul dua kali"))
    seen.add(key)
    if newest is not None and newest[1] != ReportStatus.DRAF:
        status = newest[1].value
        result.errors.append(
            RowError(row.line, "tahun_buku", f"sudah ada laporan berstatus {status}")
        )
    before = approved.data if approved is not None else None
    for finding in edit_rules.check(row.data, row.tahun_buku, before):
        if finding.blocking:
            result.errors.append(RowError(row.line, finding.fields[0], finding.message))
        else:
            row.data.setdefault(ops.EXPLANATIONS, {})[finding.rule] = IMPORTED_NOTE


def import_reports(
    actor, df: pd.DataFrame, progress: ProgressCallback | None = None
) -> ReportImport:
    """Validate every row first; store all as diajukan (marked imported) only when none fails.

    `progress(checked, written, total)` is called every EVERY_ROWS rows of each phase."""
    result = ReportImport()
    df = df.rename(columns=lambda c: str(c).strip())
    _check_columns(df, result)
    if result.errors:
        return result
    progress = progress or _silent
    rows = _parse_rows(df.to_dict("records"), result, progress)
    total = len(df)
    _fill_prior_years(rows)
    approved = prior_year.previous_reports(
        ((row.cooperative.id, row.tahun_buku) for row in rows), approved_only=True
    )
    newest = newest_versions({(row.cooperative.id, row.tahun_buku) for row in rows})
    seen: set[tuple[int, int]] = set()
    for row in rows:
        key = (row.cooperative.id, row.tahun_buku)
        _check_row(row, seen, approved.get(key), newest.get(key), result)
    progress(total, 0, total)
    if result.errors:
        return result
    try:
        _write(actor, rows, newest, result, progress)
    except (IntegrityError, OperationalError):  # a clash with another request: nothing written
        db.session.rollback()
        log.exception("report import not written")
        return ReportImport(errors=[RowError(1, "-", BUSY)])
    return result


def _silent(checked: int, written: int, total: int) -> None:
    pass


def _parse_rows(records: list[dict], result: ReportImport, progress) -> list[_Row]:
    """Parse each row's cells; a row counts as checked once its edit rules ran (the last step)."""
    coops = {
        c.nik: c
        for c in db.session.scalars(select(Cooperative).where(Cooperative.nik.is_not(None)))
    }
    rows = []
    for done, record in enumerate(records, start=1):
        row = _parse_row(done + 1, record, coops, result)
        if row is not None:
            rows.append(row)
        if done % EVERY_ROWS == 0 and done < len(records):
            progress(done, 0, len(records))
    return rows


def _write(actor, rows: list[_Row], newest, result: ReportImport, progress) -> None:
    """A flush per WRITE_CHUNK rows with their audit events in bulk, one commit (linear)."""
    now = datetime.now(UTC)
    for start in range(0, len(rows), WRITE_CHUNK):
        reports = [_new_report(row, newest, now) for row in rows[start : start + WRITE_CHUNK]]
        db.session.add_all(reports)
        db.session.flush()
        audit.record_many(actor, "report.import", [
            (report, None, {"tahun_buku": report.tahun_buku, "versi": report.version,
                            "status": "diajukan"}) for report in reports
        ])  # fmt: skip
        result.created += len(reports)
        result.warnings += sum(len(report.data.get(ops.EXPLANATIONS, {})) for report in reports)
        progress(len(rows), result.created, len(rows))
    db.session.commit()


def _new_report(row: _Row, newest, now: datetime) -> Report:
    before = newest.get((row.cooperative.id, row.tahun_buku))
    return Report(
        cooperative_id=row.cooperative.id, tahun_buku=row.tahun_buku,
        version=before[0] + 1 if before else 1, status=ReportStatus.DIAJUKAN,
        imported=True, data=row.data, submitted_at=now,
    )  # fmt: skip


def import_file(
    actor, content: bytes, filename: str, progress: ProgressCallback | None = None
) -> ReportImport:
    try:
        df = read_table(content, filename)
    except ValueError as exc:
        return ReportImport(errors=[RowError(1, "berkas", str(exc))])
    return import_reports(actor, df, progress)
