"""Consistency audit: totals equal the sum of their rows; a published table agrees with the records."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sikomo.format import angka
from sikomo.indicators.compute import group_counts
from sikomo.indicators.operations import indicator_report

TOTAL_NAMES = {"total", "jumlah", "kabupaten", "kabupaten mojokerto"}
TOLERANCE = Decimal("0.005")  # published percentages carry two decimals


@dataclass(frozen=True)
class Finding:
    check: str  # "total" (a total differs from its rows) or "terbit" (published differs)
    kecamatan: str
    indicator: str
    expected: Decimal | None
    found: Decimal | None

    def line(self) -> str:
        what = "jumlah baris" if self.check == "total" else "hitungan ulang"
        return (
            f"{self.kecamatan} · {self.indicator}: tertulis {angka(self.found, 2)}, "
            f"{what} {angka(self.expected, 2)}"
        )


@dataclass
class AuditResult:
    year: int
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        head = f"Audit indikator tahun {self.year}: {self.checked} angka diperiksa, "
        head += "semua konsisten." if self.ok else f"{len(self.findings)} selisih."
        return [head, *(f.line() for f in self.findings)]


def parse_number(text: str) -> Decimal | None:
    """'45,21 %' -> 45.21; '487.479.523.077' -> 487479523077; '0.43' -> 0.43."""
    cleaned = str(text).replace("%", "").replace("Rp", "").replace(" ", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None  # NaN, Infinity: not a published figure


def check_totals(report: dict, result: AuditResult) -> None:
    """Each count and each numerator/denominator of the total equals the sum over its groups."""
    for position, total in enumerate(report["indicators"]):
        rows = [group[position] for group in report["by"].values()]
        for part in ("numerator", "denominator"):
            if (
                total[part] is None
                or total["code"] == "volume_usaha_pdrb_pct"
                and part == "denominator"
            ):
                continue
            result.checked += 1
            summed = sum(r[part] or 0 for r in rows)
            if summed != total[part]:
                result.findings.append(
                    Finding(
                        "total",
                        "Total",
                        f"{total['code']} ({part})",
                        Decimal(summed),
                        Decimal(total[part]),
                    )
                )


def read_published(text: str) -> list[tuple[str, str, Decimal | None]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","  # Indonesian Excel: ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    return [
        (row["kecamatan"].strip(), row["indicator"].strip(), parse_number(row["value"]))
        for row in reader
        if row.get("kecamatan") and row.get("indicator")
    ]


def check_published(report: dict, rows, result: AuditResult) -> None:
    """Every published figure against the recomputed one, and published totals against their rows."""
    recomputed = {("total", i["code"]): i["value"] for i in report["indicators"]}
    codes = {}
    for i in report["indicators"]:
        codes[i["code"].lower()] = codes[i["name"].lower()] = i["code"]
    for name, items in report["by"].items():
        recomputed |= {(name.lower(), i["code"]): i["value"] for i in items}
    published_sums: dict[str, Decimal] = {}
    published_rows: dict[str, int] = {}
    published_totals: dict[str, tuple[str, Decimal]] = {}
    for kecamatan, indicator, value in rows:
        code = codes.get(indicator.lower(), indicator)
        key = "total" if kecamatan.lower() in TOTAL_NAMES else kecamatan.lower()
        expected = recomputed.get((key, code))
        result.checked += 1
        if value is None or expected is None or abs(value - expected) > TOLERANCE:
            result.findings.append(Finding("terbit", kecamatan, code, expected, value))
        if value is None:
            continue
        if key == "total":
            published_totals[code] = (kecamatan, value)
        else:
            published_sums[code] = published_sums.get(code, Decimal(0)) + value
            published_rows[code] = published_rows.get(code, 0) + 1
    complete = {code for code, n in published_rows.items() if n >= len(report["by"])}
    for code, (label, total) in published_totals.items():
        if code in complete and not code.endswith("_pct") and published_sums[code] != total:
            result.findings.append(Finding("total", label, code, published_sums[code], total))


def audit_year(year: int, published_csv: str | None = None) -> AuditResult:
    report = indicator_report(year, "kecamatan", group_counts(year).to_dict("records"))
    result = AuditResult(year)
    check_totals(report, result)
    if published_csv:
        check_published(report, read_published(published_csv), result)
    return result
