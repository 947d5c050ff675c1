"""Fixtures for the scoring tests: plain reports, no application."""

import json
from pathlib import Path

import pytest

from scoring import builtin_rulesets

DATA = Path(__file__).with_name("data")
# The inputs only the older method needs (report_schema.md), at healthy values.
OLD_EXTRA = {
    "swpm": 0,
    "pinjaman_berisiko": 1_000_000_000,
    "volume_pinjaman": 5_000_000_000,
    "volume_pinjaman_anggota": 4_500_000_000,
    "modal_tertimbang": 900,
    "atmr": 10_000,
    "shu_bagian_anggota": 150_000_000,
    "meppp": 100_000_000,
    "dana_diterima": 8_000_000_000,
}


def load_report(name: str = "ksp_sejahtera_2025.json") -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def all_answers(ruleset_id: str = "permenkop_9_2020", answer: bool = True) -> dict[str, bool]:
    return dict.fromkeys(sorted(builtin_rulesets()[ruleset_id].item_codes), answer)


@pytest.fixture
def report() -> dict:
    """A balanced KSP report for tahun buku 2025 with no questionnaire answers."""
    return load_report()


@pytest.fixture
def complete_report(report) -> dict:
    """The same report with every questionnaire item answered terpenuhi."""
    return {**report, "kuesioner": all_answers(), "modal_tertimbang": 900, "atmr": 10_000}
