"""The report form's sections, derived from the canonical schema."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import scoring
from scoring.schema import Field, fields
from sikomo.edit_rules import QUESTIONNAIRE_FORMULAS
from sikomo.models import Report

OLD_METHOD_UNTIL = 2020  # tahun buku scored by Perdep 06/2016; its extra inputs are asked then


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    groups: tuple[tuple[str, str], ...]  # (schema section, heading)
    intro: str = ""


SECTIONS = (
    Section("identitas", "Identitas & RAT", (("identitas", "Rapat Anggota Tahunan"),),
            "Tanggal RAT yang mengesahkan laporan ini. Kosongkan bila RAT belum diadakan."),
    Section("neraca", "Neraca", (("aset", "Aset"), ("kewajiban", "Kewajiban"), ("ekuitas", "Ekuitas")),
            "Posisi akhir tahun buku; kolom tahun lalu yang kosong diisi dari laporan tahun buku sebelumnya."),
    Section("hasil-usaha", "Perhitungan hasil usaha", (("hasil_usaha", "Perhitungan hasil usaha"),),
            "Pendapatan, beban dan SHU tahun buku. SHU boleh negatif bila rugi."),
    Section("anggota", "Anggota & volume usaha", (("anggota", "Anggota dan usaha"),)),
    Section("metode-lama", "Data metode lama", (("metode_lama", "Data untuk Perdep 06/2016"),),
            "Hanya untuk tahun buku yang dinilai dengan Perdep 06/2016."),
    Section("kuesioner", "Kuesioner", (), "Jawab setiap butir: Terpenuhi atau Tidak terpenuhi."),
    Section("lampiran", "Lampiran", (), "Berita acara RAT dan pernyataan bertanda tangan: PDF, JPG "
            "atau PNG, paling besar 10 MB per berkas."),
)  # fmt: skip
FORM_KEYS_EXCLUDED = {"cooperative_id", "nik", "tahun_buku", "jenis", "metode"}


def sections_for(report: Report, health_scored: bool) -> list[Section]:
    shown = []
    for section in SECTIONS:
        if section.slug == "metode-lama" and report.tahun_buku > OLD_METHOD_UNTIL:
            continue
        if section.slug == "kuesioner" and not health_scored:
            continue
        shown.append(section)
    return shown


def section(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)


def group_fields(schema_section: str) -> list[Field]:
    """The section's current-year fields in schema order (prior-year twins go beside them)."""
    return [
        f
        for f in fields().values()
        if f.section == schema_section and f.lalu_of is None and f.key not in FORM_KEYS_EXCLUDED
    ]


def has_lalu(key: str) -> bool:
    return f"{key}_lalu" in fields()


def amount_keys(sec: Section) -> list[str]:
    keys = []
    for schema_section, _ in sec.groups:
        for f in group_fields(schema_section):
            if f.numeric:
                keys.append(f.key)
                if has_lalu(f.key):
                    keys.append(f"{f.key}_lalu")
    return keys


def ruleset_for_report(report: Report) -> scoring.Ruleset:
    """The method the engine and the edit rules use: the report's `metode`, else its year's."""
    metode = (report.data or {}).get("metode")
    try:
        return scoring.ruleset_for(metode if isinstance(metode, str) else None, report.tahun_buku)
    except scoring.MethodError:
        return scoring.ruleset_for(None, report.tahun_buku)


def questionnaire(report: Report) -> list[tuple[scoring.ruleset.Indicator, list]]:
    """The enabled questionnaire indicators of the report's method, with their items."""
    rs = ruleset_for_report(report)
    return [
        (ind, list(ind.items))
        for ind in rs.indicators
        if ind.enabled and ind.formula in QUESTIONNAIRE_FORMULAS
    ]


@dataclass(frozen=True)
class Progress:
    """How many of a questionnaire part's items are answered."""

    answered: int
    total: int

    @property
    def open(self) -> int:
        return self.total - self.answered


def questionnaire_groups(report: Report, is_answered: Callable[[str], bool]) -> list[dict]:
    """The questionnaire by component (group), each indicator and item marked answered or not."""
    rs = ruleset_for_report(report)
    groups: dict[str, list[dict]] = {}
    for ind, items in questionnaire(report):
        rows = [{"item": item, "answered": is_answered(item.code)} for item in items]
        done = sum(r["answered"] for r in rows)
        entry = {"indicator": ind, "items": rows, "progress": Progress(done, len(rows))}
        groups.setdefault(ind.component, []).append(entry)
    return [
        {"code": component, "label": rs.components.get(component, component),
         "indicators": entries, "progress": _sum_progress(e["progress"] for e in entries)}
        for component, entries in groups.items()
    ]  # fmt: skip


def _sum_progress(parts: Iterable[Progress]) -> Progress:
    parts = list(parts)
    return Progress(sum(p.answered for p in parts), sum(p.total for p in parts))


@dataclass(frozen=True)
class Unread:
    """A typed text kept in a draft that could not be read as a figure yet."""

    label: str
    slug: str | None  # the form section it is typed in
    text: str


def unread(raw: dict[str, str]) -> list[Unread]:
    """The kept texts with their field's label and section, in schema order."""
    schema = fields()
    where = {key: sec.slug for sec in SECTIONS for key in amount_keys(sec)}
    where["tanggal_rat"] = "identitas"
    order = {key: i for i, key in enumerate(schema)}
    return [
        Unread(schema[key].label if key in schema else key, where.get(key), str(text))
        for key, text in sorted(raw.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
