"""The key ratios, peer groups and early-warning rules, read from their TOML files and checked."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import scoring
from scoring.bands import BandTable
from scoring.schema import fields as schema_fields

HERE = Path(__file__).parent
RATIO_FILE = HERE / "rasio.toml"
RULE_FILE = HERE / "peringatan.toml"
SEVERITIES = {"tinggi": "Tinggi", "sedang": "Sedang", "rendah": "Rendah"}
SEVERITY_ORDER = {"tinggi": 0, "sedang": 1, "rendah": 2}
DIRECTIONS = ("naik", "turun")

Terms = tuple[tuple[str, float], ...]


class ConfigError(ValueError):
    """A ratio or rule file that cannot be used, with the entry it is about."""


@dataclass(frozen=True)
class Ratio:
    code: str
    label: str
    short: str
    direction: str  # "naik": higher is better
    numerator: Terms = ()
    denominator: Terms = ()
    growth: str = ""  # a report column compared with last year's, instead of a quotient
    bands: BandTable | None = None  # the ruleset's, drawn on the profile and read by pita_turun
    numerator_negative: str = ""  # as in the ruleset: "terburuk" puts a loss in the worst band
    denominator_not_positive: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "naik"


@dataclass(frozen=True)
class SizeClass:
    code: str
    label: str
    lower: int


@dataclass(frozen=True)
class Rule:
    code: str
    check: str
    severity: str
    label: str
    message: str
    ratios: tuple[str, ...] = ()
    years: int = 2
    limit: float = 0.0
    steps: int = 1
    days: int = 1


@dataclass(frozen=True)
class Config:
    ratios: tuple[Ratio, ...]
    sizes: tuple[SizeClass, ...]
    min_peers: int
    group: tuple[str, ...]
    breakdown: dict[str, Terms]  # a reported total: the line items it is made of
    fallbacks: dict[str, str]  # a blank member share of a cost: the full figure (D16)
    rules: tuple[Rule, ...]

    def ratio(self, code: str) -> Ratio:
        return next(r for r in self.ratios if r.code == code)

    @property
    def line_items(self) -> tuple[str, ...]:
        """Every report key the ratios and their attribution read from the report's data."""
        keys = [k for r in self.ratios for k, _ in r.numerator + r.denominator]
        keys += [k for terms in self.breakdown.values() for k, _ in terms]
        keys += list(self.fallbacks.values())
        return tuple(dict.fromkeys(keys))


def _ratio(entry: dict, ruleset: scoring.Ruleset) -> Ratio:
    code = entry["kode"]
    if entry.get("arah") not in DIRECTIONS:
        raise ConfigError(f"rasio {code}: arah harus 'naik' atau 'turun'")
    indicator = None
    if "indikator" in entry:
        found = [i for i in ruleset.indicators if i.code == entry["indikator"]]
        if not found:
            raise ConfigError(f"rasio {code}: indikator {entry['indikator']} tidak ada di aturan")
        indicator = found[0]
    growth = entry.get("pertumbuhan", "")
    if not growth and (indicator is None or indicator.formula != "ratio"):
        raise ConfigError(f"rasio {code}: perlu indikator rasio atau 'pertumbuhan'")
    if growth and growth not in ("total_aset", "volume_usaha"):
        raise ConfigError(f"rasio {code}: pertumbuhan hanya dari total_aset atau volume_usaha")
    return Ratio(
        code=code,
        label=entry["label"],
        short=entry.get("nama_pendek", entry["label"]),
        direction=entry["arah"],
        numerator=() if growth else indicator.numerator,
        denominator=() if growth else indicator.denominator,
        growth=growth,
        bands=indicator.bands if indicator else None,
        numerator_negative="" if growth else indicator.numerator_negative,
        denominator_not_positive="" if growth else indicator.denominator_not_positive,
    )


def _rule(entry: dict, ratio_codes: set[str]) -> Rule:
    code = entry["kode"]
    if entry.get("tingkat") not in SEVERITIES:
        raise ConfigError(f"aturan {code}: tingkat harus tinggi, sedang atau rendah")
    unknown = set(entry.get("rasio", ())) - ratio_codes
    if unknown:
        raise ConfigError(f"aturan {code}: rasio tidak dikenal: {', '.join(sorted(unknown))}")
    return Rule(
        code=code,
        check=entry["periksa"],
        severity=entry["tingkat"],
        label=entry["label"],
        message=entry["pesan"],
        ratios=tuple(entry.get("rasio", ())),
        years=int(entry.get("tahun", 2)),
        limit=float(entry.get("batas", 0.0)),
        steps=int(entry.get("langkah", 1)),
        days=int(entry.get("hari", 1)),
    )


def parse(ratio_data: dict, rule_data: dict) -> Config:
    """A checked configuration from the two files' parsed TOML."""
    ruleset = scoring.builtin_rulesets()[ratio_data["ruleset"]]
    ratios = tuple(_ratio(e, ruleset) for e in ratio_data["rasio"])
    sizes = tuple(
        SizeClass(e["kode"], e["label"], int(e["dari"])) for e in ratio_data["kelas_aset"]
    )
    if [s.lower for s in sizes] != sorted(s.lower for s in sizes):
        raise ConfigError("kelas_aset harus urut menurut 'dari'")
    known = schema_fields()
    breakdown = {}
    for total, items in ratio_data.get("rincian", {}).items():
        bad = [k for k in (total, *items) if k not in known]
        if bad:
            raise ConfigError(f"rincian {total}: kolom laporan tidak dikenal: {', '.join(bad)}")
        breakdown[total] = tuple((k, float(v)) for k, v in items.items())
    rules = tuple(_rule(e, {r.code for r in ratios}) for e in rule_data["aturan"])
    return Config(
        ratios=ratios,
        sizes=sizes,
        min_peers=int(ratio_data["peer"]["minimal"]),
        group=tuple(ratio_data["peer"]["kelompok"]),
        breakdown=breakdown,
        fallbacks=dict(ruleset.fallbacks),
        rules=rules,
    )


@cache
def config() -> Config:
    """The shipped configuration (read once per process)."""
    with RATIO_FILE.open("rb") as ratios, RULE_FILE.open("rb") as rules:
        return parse(tomllib.load(ratios), tomllib.load(rules))
