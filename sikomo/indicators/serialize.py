"""One serialisation of the indicator report, shared by the API, the CLI and the exports."""

import csv
import io
import json
from decimal import Decimal

CSV_COLUMNS = (
    "group",
    "code",
    "name",
    "numerator",
    "denominator",
    "value",
    "unit",
    "target",
    "capaian",
    "kategori_capaian",
)


def plain(value):
    """Decimals become plain JSON numbers (value and capaian are already rounded to 2 decimals)."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def to_json(report: dict) -> str:
    return json.dumps(plain(report), ensure_ascii=False, indent=2)


def csv_rows(report: dict):
    """The total first (group "Total"), then each group of the breakdown."""
    groups = [("Total", report["indicators"]), *report["by"].items()]
    for group, indicators in groups:
        for item in indicators:
            yield [group, *(plain(item[c]) for c in CSV_COLUMNS[1:])]


def to_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow("" if v is None else v for v in row)
    return buffer.getvalue()
