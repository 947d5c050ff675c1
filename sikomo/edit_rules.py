"""Edit rules for a RAT report, as data: validity edits block submission; quality edits need a
one-line explanation. The form, the Excel import and the API all call `check`, and
/api/v1/edit-rules publishes `RULES` as JSON.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import scoring
from scoring.schema import KUESIONER
from scoring.schema import fields as schema_fields
from sikomo.format import angka, rupiah

VALIDITY = "validitas"
QUALITY = "kualitas"
TOLERANCE = 1  # rupiah
QUESTIONNAIRE_FORMULAS = ("questionnaire", "item_count")  # indicators scored from answered items

ASSET_ITEMS = (
    "kas", "bank", "simpanan_di_koperasi_lain", "surat_berharga", "pinjaman_lancar",
    "pinjaman_kurang_lancar", "pinjaman_diragukan", "pinjaman_macet", "persediaan",
    "piutang_usaha", "aset_lancar_lain", "penyertaan", "aset_tetap", "aset_lain",
)  # fmt: skip
PINJAMAN_ITEMS = (
    "pinjaman_lancar",
    "pinjaman_kurang_lancar",
    "pinjaman_diragukan",
    "pinjaman_macet",
)
CURRENT_LIABILITY_ITEMS = (
    "simpanan_sukarela_anggota", "simpanan_sukarela_non_anggota", "simpanan_berjangka_anggota",
    "simpanan_berjangka_non_anggota", "hutang_pajak", "beban_masih_harus_dibayar", "hutang_biaya",
    "dana_shu_dibagikan", "kewajiban_lancar_lain",
)  # fmt: skip
LONG_LIABILITY_ITEMS = ("pinjaman_bank_jangka_panjang", "kewajiban_jangka_panjang_lain")
EQUITY_ITEMS = (
    "simpanan_pokok", "simpanan_wajib", "swpm", "modal_penyetaraan", "modal_penyertaan", "hibah",
    "cadangan_umum", "cadangan_tujuan_risiko", "shu_belum_dibagi",
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # VALIDITY or QUALITY
    check: str  # the name of the check function below
    message: str
    fields: tuple[str, ...] = ()
    total: str = ""
    minus: tuple[str, ...] = ()
    limit: float = 0
    scope: str = ""  # when the rule applies, if not to every report


RULES: tuple[Rule, ...] = (
    Rule("wajib_diisi", VALIDITY, "required",
         "{label} wajib diisi sebelum laporan diajukan (isi 0 bila memang nol).",
         fields=("jumlah_anggota", "volume_usaha", "total_aset", "total_kewajiban_lancar",
                 "total_kewajiban", "total_ekuitas", "total_pendapatan", "shu_setelah_pajak")),
    Rule("jumlah_aset", VALIDITY, "sum",
         "Jumlah rincian aset ({computed}) tidak sama dengan total aset ({total}).",
         fields=ASSET_ITEMS, total="total_aset", minus=("ppap",)),
    Rule("jumlah_kewajiban_lancar", VALIDITY, "sum",
         "Jumlah rincian kewajiban lancar ({computed}) tidak sama dengan total kewajiban lancar ({total}).",
         fields=CURRENT_LIABILITY_ITEMS, total="total_kewajiban_lancar"),
    Rule("jumlah_kewajiban", VALIDITY, "sum",
         "Kewajiban lancar + jangka panjang ({computed}) tidak sama dengan total kewajiban ({total}).",
         fields=("total_kewajiban_lancar", *LONG_LIABILITY_ITEMS), total="total_kewajiban"),
    Rule("jumlah_ekuitas", VALIDITY, "sum",
         "Jumlah rincian ekuitas ({computed}) tidak sama dengan total ekuitas ({total}).",
         fields=EQUITY_ITEMS, total="total_ekuitas"),
    Rule("neraca_seimbang", VALIDITY, "sum",
         "Total kewajiban + total ekuitas ({computed}) tidak sama dengan total aset ({total}).",
         fields=("total_kewajiban", "total_ekuitas"), total="total_aset"),
    Rule("pinjaman_anggota", VALIDITY, "not_above",
         "Pinjaman kepada anggota ({computed}) melebihi jumlah pinjaman diberikan ({total}).",
         fields=PINJAMAN_ITEMS, total="pinjaman_anggota"),
    Rule("beban_usaha_anggota", VALIDITY, "not_above",
         "Beban usaha bagi anggota ({computed}) melebihi beban usaha ({total}).",
         fields=("beban_usaha",), total="beban_usaha_anggota"),
    Rule("beban_perkoperasian_anggota", VALIDITY, "not_above",
         "Beban perkoperasian bagian anggota ({computed}) melebihi beban perkoperasian ({total}).",
         fields=("beban_perkoperasian",), total="beban_perkoperasian_anggota"),
    Rule("kuesioner_lengkap", VALIDITY, "questionnaire",
         "Kuesioner belum lengkap: {detail}. Jawab setiap butir (Terpenuhi atau Tidak terpenuhi) "
         "di bagian Kuesioner.",
         scope="Koperasi yang dinilai kesehatannya (KSP, USP, koperasi dengan unit simpan pinjam): "
               "setiap butir kuesioner metode penilaiannya. Tidak diperiksa pada impor massal "
               "laporan lama oleh Dinas."),
    Rule("shu_belum_dibagi", QUALITY, "equal",
         "SHU belum dibagi ({total}) berbeda dari SHU setelah pajak ({computed}).",
         fields=("shu_setelah_pajak",), total="shu_belum_dibagi"),
    Rule("lalu_beda_disetujui", QUALITY, "matches_previous",
         "Kolom tahun lalu “{label}” ({total}) berbeda dari laporan tahun lalu yang disetujui "
         "({computed})."),
    Rule("perubahan_aset", QUALITY, "change",
         "Total aset berubah {percent} % dari tahun lalu (lebih dari ±{limit} %).",
         fields=("total_aset",), limit=50),
    Rule("penurunan_anggota", QUALITY, "drop",
         "Jumlah anggota turun {percent} % dari tahun lalu (lebih dari {limit} %).",
         fields=("jumlah_anggota",), limit=20),
    Rule("rat_terlambat", QUALITY, "late_rat",
         "RAT diadakan {tanggal}, lebih dari {limit} bulan setelah akhir tahun buku.",
         fields=("tanggal_rat",), limit=6),
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    rule: str
    kind: str
    fields: tuple[str, ...]
    message: str

    @property
    def blocking(self) -> bool:
        return self.kind == VALIDITY


@dataclass(frozen=True)
class Question:
    """One questionnaire indicator and its items (code, text), in the order they are asked."""

    indicator: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class QuestionGroup:
    """The questionnaire indicators of one component (e.g. Prinsip Koperasi)."""

    label: str
    questions: tuple[Question, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for q in self.questions for code, _ in q.items)


def questionnaire_for(metode: Any, tahun_buku: int | None) -> tuple[QuestionGroup, ...]:
    """Every item the report's scoring method asks, by component; () when no method applies."""
    try:
        rs = scoring.ruleset_for(metode if isinstance(metode, str) else None, tahun_buku)
    except scoring.MethodError:
        return ()
    groups: dict[str, list[Question]] = {}
    for ind in rs.indicators:
        if ind.enabled and ind.formula in QUESTIONNAIRE_FORMULAS:
            items = tuple((item.code, item.text) for item in ind.items)
            groups.setdefault(ind.component, []).append(Question(ind.name, items))
    return tuple(QuestionGroup(rs.components.get(c, c), tuple(qs)) for c, qs in groups.items())


def answered(data: dict[str, Any], code: str) -> bool:
    answers = data.get(KUESIONER)
    return isinstance(answers, dict) and isinstance(answers.get(code), bool)


@dataclass
class Context:
    data: dict[str, Any]
    tahun_buku: int | None = None
    previous: dict[str, Any] | None = None  # data of last year's approved report
    labels: dict[str, str] = field(default_factory=dict)
    questionnaire: Sequence[QuestionGroup] = ()  # the items that must be answered


def _required(rule: Rule, ctx: Context) -> list[Finding]:
    return [
        Finding(rule.code, rule.kind, (f,), rule.message.format(label=ctx.labels.get(f, f)))
        for f in rule.fields
        if ctx.data.get(f) is None
    ]


def _sum(rule: Rule, ctx: Context, suffix: str = "") -> list[Finding]:
    total = ctx.data.get(rule.total + suffix)
    items = [ctx.data.get(f + suffix) for f in rule.fields + rule.minus]
    if total is None or all(v is None for v in items):
        return []  # nothing to compare yet; 'wajib_diisi' names a missing total
    plus = sum(ctx.data.get(f + suffix) or 0 for f in rule.fields)
    computed = plus - sum(ctx.data.get(f + suffix) or 0 for f in rule.minus)
    if abs(computed - total) <= TOLERANCE:
        return []
    blank = [f + suffix for f in rule.fields + rule.minus if ctx.data.get(f + suffix) is None]
    labels = [schema_fields()[f].label if f in schema_fields() else f for f in blank]
    hint = f" Rincian yang masih kosong: {', '.join(labels)}." if blank else ""
    message = rule.message.format(computed=rupiah(computed), total=rupiah(total)) + hint
    return [Finding(rule.code, rule.kind, (rule.total + suffix, *rule.fields), message)]


def _not_above(rule: Rule, ctx: Context) -> list[Finding]:
    part, loans = ctx.data.get(rule.total), [ctx.data.get(f) for f in rule.fields]
    if part is None or any(v is None for v in loans) or part <= sum(loans):
        return []
    message = rule.message.format(computed=rupiah(part), total=rupiah(sum(loans)))
    return [Finding(rule.code, rule.kind, (rule.total,), message)]


def _equal(rule: Rule, ctx: Context) -> list[Finding]:
    a, b = ctx.data.get(rule.total), ctx.data.get(rule.fields[0])
    if a is None or b is None or abs(a - b) <= TOLERANCE:
        return []
    message = rule.message.format(total=rupiah(a), computed=rupiah(b))
    return [Finding(rule.code, rule.kind, (rule.total,), message)]


def _figure(key: str):
    """How a schema figure is written in a message: rupiah for money, a plain count otherwise."""
    kind = schema_fields()[key].kind if key in schema_fields() else "money"
    return rupiah if kind in ("money", "signed_money") else angka


def _matches_previous(rule: Rule, ctx: Context) -> list[Finding]:
    if not ctx.previous:
        return []
    found = []
    for key, value in ctx.data.items():
        if not key.endswith("_lalu") or value is None:
            continue
        approved = ctx.previous.get(key.removesuffix("_lalu"))
        if approved is not None and abs(approved - value) > TOLERANCE:
            base = key.removesuffix("_lalu")
            label, shown = ctx.labels.get(base, base), _figure(base)
            message = rule.message.format(label=label, total=shown(value), computed=shown(approved))
            found.append(Finding(rule.code, rule.kind, (key,), message))
    return found


def _percent_change(rule: Rule, ctx: Context) -> float | None:
    now, before = ctx.data.get(rule.fields[0]), ctx.data.get(rule.fields[0] + "_lalu")
    if now is None or not before:
        return None
    return (now - before) * 100 / before


def _change(rule: Rule, ctx: Context) -> list[Finding]:
    change = _percent_change(rule, ctx)
    if change is None or abs(change) <= rule.limit:
        return []
    message = rule.message.format(
        percent=f"{change:+.1f}".replace(".", ","), limit=f"{rule.limit:g}"
    )
    return [Finding(rule.code, rule.kind, rule.fields, message)]


def _drop(rule: Rule, ctx: Context) -> list[Finding]:
    change = _percent_change(rule, ctx)
    if change is None or -change <= rule.limit:
        return []
    message = rule.message.format(
        percent=f"{-change:.1f}".replace(".", ","), limit=f"{rule.limit:g}"
    )
    return [Finding(rule.code, rule.kind, rule.fields, message)]


def _late_rat(rule: Rule, ctx: Context) -> list[Finding]:
    held = ctx.data.get("tanggal_rat")
    if not held or ctx.tahun_buku is None:
        return []
    held_on = date.fromisoformat(str(held))
    months = int(rule.limit)  # after 31 December; the first late day is the 1st of the next month
    first_late_day = date(ctx.tahun_buku + 1 + months // 12, months % 12 + 1, 1)
    if held_on < first_late_day:
        return []
    message = rule.message.format(tanggal=held_on.strftime("%d-%m-%Y"), limit=months)
    return [Finding(rule.code, rule.kind, rule.fields, message)]


def _numbers(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> '1–3, 5'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _open_items(question: Question, data: dict[str, Any]) -> list[tuple[int, str]]:
    return [(n, text) for n, (code, text) in enumerate(question.items, 1)
            if not answered(data, code)]  # fmt: skip


def _group_gap(group: QuestionGroup, data: dict[str, Any], shown: int = 3) -> str | None:
    """'Kelembagaan 3 dari 30 butir belum dijawab (Anggaran Dasar: butir 2, 5–6)', or None."""
    gaps = [(q, _open_items(q, data)) for q in group.questions]
    gaps = [(q, items) for q, items in gaps if items]
    missing = sum(len(items) for _, items in gaps)
    if not missing:
        return None
    head = f"{group.label} {missing} dari {len(group.codes)} butir belum dijawab"
    if missing == len(group.codes):
        return head
    parts = []
    for q, items in gaps[:shown]:
        if len(items) == len(q.items) > 1:
            which = f"semua {len(items)} butir"
        elif len(items) == 1:
            which = f"butir {items[0][0]} “{_short(items[0][1])}”"
        else:
            which = f"butir {_numbers([n for n, _ in items])}"
        parts.append(f"{q.indicator}: {which}")
    if len(gaps) > shown:
        parts.append(f"dan {len(gaps) - shown} indikator lain")
    return f"{head} ({'; '.join(parts)})"


def _questionnaire(rule: Rule, ctx: Context) -> list[Finding]:
    gaps = [gap for group in ctx.questionnaire if (gap := _group_gap(group, ctx.data))]
    if not gaps:
        return []
    open_codes = tuple(
        f"{KUESIONER}.{code}"
        for group in ctx.questionnaire
        for code in group.codes
        if not answered(ctx.data, code)
    )
    message = rule.message.format(detail="; ".join(gaps))
    return [Finding(rule.code, rule.kind, (KUESIONER, *open_codes), message)]


CHECKS = {
    "required": _required,
    "sum": _sum,
    "not_above": _not_above,
    "equal": _equal,
    "matches_previous": _matches_previous,
    "change": _change,
    "drop": _drop,
    "late_rat": _late_rat,
    "questionnaire": _questionnaire,
}


def check(
    data: dict[str, Any],
    tahun_buku: int | None = None,
    previous: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    questionnaire: Sequence[QuestionGroup] | None = None,
) -> list[Finding]:
    """Every finding of every rule on one report's data (blank = unknown, never 0).

    `questionnaire` holds the items that must be answered (`questionnaire_for`); without it the
    questionnaire is not checked, as for the Dinas's bulk import of past reports.
    """
    labels = labels or {k: f.label for k, f in schema_fields().items()}
    ctx = Context(data, tahun_buku, previous, labels, tuple(questionnaire or ()))
    return [finding for rule in RULES for finding in CHECKS[rule.check](rule, ctx)]


def balance_problems(data: dict[str, Any], suffix: str = "") -> list[str]:
    """Codes of the balance-sheet sum rules that fail on the fields ending in `suffix`."""
    ctx = Context(data)
    return [r.code for r in RULES if r.check == "sum" and _sum(r, ctx, suffix)]


def unexplained(findings: list[Finding], explanations: dict[str, str]) -> list[Finding]:
    """Quality findings still waiting for a one-line explanation."""
    return [f for f in findings if f.kind == QUALITY and not explanations.get(f.rule, "").strip()]


def can_submit(findings: list[Finding], explanations: dict[str, str]) -> bool:
    return not any(f.blocking for f in findings) and not unexplained(findings, explanations)


def as_json() -> dict[str, Any]:
    """The rules as published at /api/v1/edit-rules."""
    rules = []
    for rule in RULES:
        entry = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(rule).items()}
        rules.append({k: v for k, v in entry.items() if v not in ([], "", 0) or k == "fields"})
    return {"tolerance_rupiah": TOLERANCE, "kinds": {VALIDITY: "memblokir pengajuan",
            QUALITY: "perlu penjelasan satu baris"}, "rules": rules}  # fmt: skip
