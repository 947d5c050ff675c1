"""The audit trail's words (labels.toml), read once, and the report schema's and rulesets' names."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import scoring
from scoring.schema import fields

LABELS_PATH = Path(__file__).with_name("labels.toml")
DATA, SECURITY = "data", "keamanan"
GROUPS = {DATA: "Perubahan data", SECURITY: "Masuk & keamanan"}


@dataclass(frozen=True)
class Words:
    actions: dict[str, dict[str, str]]
    objects: dict[str, str]
    columns: dict[str, str]
    nested: dict[str, str]
    formats: dict[str, str]
    hidden: frozenset[str]
    words: dict[str, str]
    schema: dict[str, str]  # report field -> label
    money: frozenset[str]  # report fields holding rupiah
    items: dict[str, str]  # questionnaire item code -> its wording, every ruleset
    indicators: dict[str, str]  # indicator code -> its name, every ruleset


@cache
def words() -> Words:
    raw = tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))
    schema = fields()
    rulesets = scoring.builtin_rulesets().values()
    return Words(
        actions=raw["tindakan"],
        objects=raw["objek"],
        columns=raw["kolom"],
        nested=raw["bertingkat"],
        formats=raw["format"],
        hidden=frozenset(raw["tersembunyi"]["kunci"]),
        words=raw["kata"],
        schema={key: f.label for key, f in schema.items()},
        money=frozenset(key for key, f in schema.items() if f.kind.endswith("money")),
        items={i.code: i.text for rs in rulesets for ind in rs.indicators for i in ind.items},
        indicators={ind.code: ind.name for rs in rulesets for ind in rs.indicators},
    )


def humanise(key: str) -> str:
    """A key nobody labelled, readable: 'jumlah_anggota' -> 'Jumlah anggota'."""
    text = " ".join(key.replace("_", " ").replace(".", " ").split())
    return text[:1].upper() + text[1:] if text else "–"


def action_label(action: str) -> str:
    known = words().actions.get(action)
    if known is not None:
        return known["label"]
    kind, _, rest = action.partition(".")
    noun = words().objects.get(kind.replace("_", ""))
    return f"{humanise(noun)}: {humanise(rest).lower()}" if noun and rest else humanise(action)


def group_of(action: str) -> str:
    known = words().actions.get(action)
    return known["kelompok"] if known is not None else DATA


def actions_in(group: str) -> dict[str, str]:
    """The actions of a tab, code -> label, in the order of labels.toml."""
    return {code: a["label"] for code, a in words().actions.items() if a["kelompok"] == group}


def security_actions() -> list[str]:
    return list(actions_in(SECURITY))


def object_label(object_type: str, object_id: str | None) -> str:
    """'report', '12' -> 'laporan 12'; an event about no object -> '–'."""
    if object_type in ("", "-"):
        return "–"
    noun = words().objects.get(object_type, humanise(object_type).lower())
    return f"{noun} {object_id}" if object_id else noun


def object_type_of(noun: str) -> str | None:
    """What a reader types ('laporan', 'Koperasi', 'report') -> the recorded object_type."""
    wanted = " ".join(noun.lower().split())
    for object_type, label in words().objects.items():
        if wanted in (object_type, label.lower()):
            return object_type
    return None


def column_label(key: str) -> str:
    w = words()
    return w.columns.get(key) or w.schema.get(key) or humanise(key)
