"""Fixtures for the scoring tests: plain reports, no application."""

import json
from pathlib import Path

import pytest

from scoring import builtin_rulesets

DATA = Path(__file__).with_name("data")


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
