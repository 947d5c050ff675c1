"""A report sent to POST /api/v1/reports: checked against the canonical schema, then stored
through sikomo.reports.operations exactly like the form (drafts, versions, edit rules)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scoring.errors import ReportError
from scoring.ruleset import all_item_codes
from scoring.schema import KUESIONER, check_kuesioner, fields, lalu_twins, validate_report
from sikomo import edit_rules, prior_year
from sikomo.assessments import scoring_jenis
from sikomo.models import Cooperative, Report, ReportStatus
from sikomo.reports import operations as ops
from sikomo.reports.excel import open_years

CONTROL = ("submit", "penjelasan")
IDENTITY = ("cooperative_id", "nik", "jenis")  # implied by the token: checked, never stored
QUALITY_RULES = frozenset(r.code for r in edit_rules.RULES if r.kind == edit_rules.QUALITY)

Problem = tuple[str | None, str]


class Invalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("laporan tidak valid")
        self.problems = problems


@dataclass
class Submission:
    tahun_buku: int
    values: dict[str, Any] = field(default_factory=dict)  # None clears a key
    answers: dict[str, bool | None] = field(default_factory=dict)
    submit: bool = False
    explanations: dict[str, str] = field(default_factory=dict)


def parse(body: Any, coop: Cooperative, today: date | None = None) -> Submission:
    """Read and check a request body; raise Invalid naming every bad field."""
    if not isinstance(body, dict):
        raise Invalid([(None, "Isi permintaan harus objek JSON berisi laporan.")])
    problems: list[Problem] = []
    tahun_buku = _tahun_buku(body.get("tahun_buku"), problems, today)
    sub = Submission(tahun_buku=tahun_buku or 0)
    _controls(body, sub, problems)
    for key, value in body.items():
        if key in CONTROL or key == "tahun_buku":
            continue
        if key in IDENTITY:
            _identity(key, value, coop, problems)
        elif key == KUESIONER:
            _answers(value, sub, problems)
        else:
            _value(key, value, sub, problems)
    if problems:
        raise Invalid(problems)
    return sub


def _tahun_buku(value: Any, problems: list[Problem], today: date | None) -> int | None:
    years = open_years(today)
    if value is None:
        problems.append(("tahun_buku", "Tahun buku wajib diisi."))
    elif isinstance(value, bool) or not isinstance(value, int) or value not in years:
        problems.append(("tahun_buku", "Tahun buku harus salah satu tahun yang terbuka untuk "
                         f"dilaporkan: {', '.join(map(str, years))}."))  # fmt: skip
    else:
        return value
    return None


def _controls(body: dict, sub: Submission, problems: list[Problem]) -> None:
    submit = body.get("submit", False)
    if not isinstance(submit, bool):
        problems.append(("submit", "Harus true atau false."))
    sub.submit = submit is True
    notes = body.get("penjelasan", {})
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        problems.append(("penjelasan", "Harus objek {kode aturan kualitas: teks penjelasan}."))
        return
    for rule, text in notes.items():
        if rule not in QUALITY_RULES:
            problems.append((f"penjelasan.{rule}", "Bukan kode aturan kualitas yang dikenal."))
        elif len(text) > 500:
            problems.append((f"penjelasan.{rule}", "Penjelasan paling panjang 500 karakter."))
        else:
            sub.explanations[rule] = text


def _identity(key: str, value: Any, coop: Cooperative, problems: list[Problem]) -> None:
    allowed = {
        "cooperative_id": {coop.id},
        "nik": {coop.nik},
        "jenis": {coop.jenis.value, scoring_jenis(coop)},
    }[key]
    if value is not None and value not in allowed:
        problems.append((key, "Tidak sesuai dengan koperasi pemilik token API."))


def _answers(value: Any, sub: Submission, problems: list[Problem]) -> None:
    try:
        check_kuesioner(value, all_item_codes())
    except ReportError as exc:
        problems.append((exc.field, exc.message))
        return
    sub.answers = dict(value or {})


def _value(key: str, value: Any, sub: Submission, problems: list[Problem]) -> None:
    try:
        clean = validate_report({key: value}, all_item_codes())[key]
    except ReportError as exc:
        problems.append((exc.field, exc.message))
        return
    if fields()[key].kind == "date" and clean is not None:
        clean = date.fromisoformat(str(clean)).isoformat()
    sub.values[key] = clean


def store(actor, coop: Cooperative, sub: Submission) -> tuple[Report, bool]:
    """Write the submission into the year's draft (a returned report gets a new version)."""
    existing = ops.latest(coop.id, sub.tahun_buku)
    if existing is None:
        report, created = ops.start(actor, coop, sub.tahun_buku), True
    elif existing.status == ReportStatus.DIKEMBALIKAN:
        report, created = ops.reopen(actor, existing), True
    elif existing.status == ReportStatus.DRAF:
        report, created = existing, False
    else:
        raise ops.NotEditable(
            f"Laporan tahun buku {sub.tahun_buku} versi {existing.version} sudah "
            f"{existing.status.label.lower()} dan tidak dapat diubah lewat API."
        )
    ops.save_values(actor, report, with_prior_year(report, sub.values), {}, None)
    if sub.answers:
        ops.save_answers(actor, report, sub.answers, None)
    if sub.submit:
        ops.submit(actor, report, sub.explanations, None)
    return report, created


def with_prior_year(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    """`values` plus each `_lalu` twin the report is left without, from the previous tahun buku's
    report (decisions.md item 20), and the markers naming where each came from."""
    data = report.data or {}
    typed_text = [k for k in data.get(ops.RAW) or {} if k not in values]
    filled, sources = prior_year.fill_from_previous(
        {**data, **values}, report.cooperative_id, report.tahun_buku, typed_text
    )
    typed = {k for k, v in values.items() if k in lalu_twins() and v is not None}
    marks = ops.prior_year_marks(data, sources, typed)
    return values | {k: filled[k] for k in sources} | marks


def blocked_problems(exc: ops.SubmitBlocked, explanations: dict[str, str]) -> list[Problem]:
    """Why the edit rules refused the submission, one error per finding or unreadable value."""
    problems: list[Problem] = [
        (key, f"Nilai '{text}' tidak dapat dibaca sebagai angka.")
        for key, text in exc.unreadable.items()
    ]
    for finding in exc.findings:
        name = finding.fields[0] if finding.fields else finding.rule
        if finding.blocking:
            problems.append((name, finding.message))
        elif not explanations.get(finding.rule, "").strip():
            problems.append((name, f"{finding.message} Beri penjelasan di "
                             f"penjelasan.{finding.rule} untuk mengajukan."))  # fmt: skip
    return problems
