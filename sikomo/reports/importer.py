"""Dinas bulk import of reports: one row per report, all or nothing, through the same edits."""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
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
    record: dict[str, Any]
    cooperative: Cooperative | None
    tahun_buku: int | None
    data: dict[str, Any] | None = None  # the parsed cells, once (`_cells`)
    version: int = 1  # of the report to store: after the newest stored one

    @property
    def key(self) -> tuple[int, int] | None:
        if self.cooperative is None or self.tahun_buku is None:
            return None
        return (self.cooperative.id, self.tahun_buku)


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


def _identify(records: list[dict[str, Any]], result: ReportImport) -> list[_Row]:
    """Each row's cooperative (by NIK, one query for the file) and tahun buku."""
    coops = {
        c.nik: c
        for c in db.session.scalars(select(Cooperative).where(Cooperative.nik.is_not(None)))
    }
    rows = []
    for line, record in enumerate(records, start=2):
        nik = str(_cell(record.get("nik")) or "").strip()
        coop = coops.get(nik)
        if coop is None:
            result.errors.append(RowError(line, "nik", f"NIK {nik or '(kosong)'} tidak terdaftar"))
        try:
            tahun = int(str(record.get("tahun_buku", "")).strip())
        except ValueError:
            result.errors.append(RowError(line, "tahun_buku", "harus tahun, mis. 2025"))
            tahun = None
        rows.append(_Row(line, record, coop, tahun))
    return rows


def _cells(row: _Row, result: ReportImport) -> dict[str, Any]:
    """The row's cells read as report data (parsed once, when first needed)."""
    if row.data is not None:
        return row.data
    errors, line = result.errors, row.line
    data: dict[str, Any] = {"tahun_buku": row.tahun_buku}
    for key, raw in row.record.items():
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
    row.data = data
    return data


def _fill_prior_year(row: _Row, stored: Report | None, in_file: dict, result) -> None:
    """Fill the row's blank `_lalu` twins from the cooperative's previous report: the stored
    one, else the row of the previous tahun buku in this file (decisions.md item 20)."""
    previous = stored.data if stored is not None else None
    earlier = in_file.get((row.key[0], row.key[1] - 1))
    if stored is None and earlier is not None:
        previous = _cells(earlier, result)
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
    row.version = newest[0] + 1 if newest is not None else 1
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
    progress(0, 0, len(df))  # the page learns the total before the lookups
    rows = _identify(df.to_dict("records"), result)
    _check_rows(rows, result, progress)
    if result.errors:
        return result
    try:
        _write(actor, rows, result, progress)
    except (IntegrityError, OperationalError):  # a clash with another request: nothing written
        db.session.rollback()
        log.exception("report import not written")
        return ReportImport(errors=[RowError(1, "-", BUSY)])
    return result


def _silent(checked: int, written: int, total: int) -> None:
    pass


def _check_rows(rows: list[_Row], result: ReportImport, progress: ProgressCallback) -> None:
    """One pass: each row's cells, prior-year fill and edit rules, with batched lookups."""
    in_file = {row.key: row for row in rows if row.key}
    stored = prior_year.previous_reports(in_file)
    approved = prior_year.previous_reports(in_file, approved_only=True)
    newest = newest_versions(set(in_file))
    seen: set[tuple[int, int]] = set()
    for done, row in enumerate(rows, start=1):
        _cells(row, result)
        if row.key:
            _fill_prior_year(row, stored.get(row.key), in_file, result)
            _check_row(row, seen, approved.get(row.key), newest.get(row.key), result)
        if done % EVERY_ROWS == 0 and done < len(rows):
            progress(done, 0, len(rows))
    result.errors.sort(key=lambda error: error.baris)  # a previous year's row may be read early
    progress(len(rows), 0, len(rows))


def _write(actor, rows: list[_Row], result: ReportImport, progress) -> None:
    """A flush per WRITE_CHUNK rows with their audit events in bulk, one commit (linear)."""
    now = datetime.now(UTC)
    for start in range(0, len(rows), WRITE_CHUNK):
        reports = [_new_report(row, now) for row in rows[start : start + WRITE_CHUNK]]
        for report, report_id in zip(reports, _reserved_ids(len(reports)), strict=False):
            report.id = report_id
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


def _reserved_ids(count: int) -> list[int]:
    """`count` ids drawn from the report sequence on PostgreSQL (none elsewhere): with its ids
    known the ORM inserts without RETURNING, one statement psycopg parses once for the chunk
    instead of a 1,000-row VALUES list parsed anew each time (a fifth of a large import)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return []
    sequence = func.pg_get_serial_sequence(Report.__tablename__, "id")
    drawn = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
    return list(db.session.scalars(drawn))


def _new_report(row: _Row, now: datetime) -> Report:
    return Report(
        cooperative_id=row.cooperative.id, tahun_buku=row.tahun_buku, version=row.version,
        status=ReportStatus.DIAJUKAN, imported=True, data=row.data, submitted_at=now,
    )  # fmt: skip


def import_file(
    actor, content: bytes, filename: str, progress: ProgressCallback | None = None
) -> ReportImport:
    try:
        df = read_table(content, filename)
    except ValueError as exc:
        return ReportImport(errors=[RowError(1, "berkas", str(exc))])
    return import_reports(actor, df, progress)
