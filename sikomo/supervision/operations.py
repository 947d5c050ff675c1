"""Peer comparison and early warnings of a tahun buku, for the district, a page or one cooperative.

`year_warnings(year)` reads the whole district in a few narrow queries (frame.py) and evaluates
every rule and every percentile in one pandas pass; `badges(reports)` does the same for one
queue page's cooperatives; `cooperative_view` gives the profile its years, ratios and peers.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select

from sikomo.deadlines import rat_deadline, today
from sikomo.extensions import db
from sikomo.indicators.sanksi import latest_overdue
from sikomo.models import Report
from sikomo.settings import get_setting
from sikomo.supervision import frame, messages, rules
from sikomo.supervision.config import SEVERITY_ORDER, Config, config
from sikomo.supervision.peers import peer_table
from sikomo.supervision.rules import YearData, evaluate

HISTORY = 2  # tahun buku before the year that the rules read


@dataclass
class Warnings:
    data: YearData
    flags: pd.DataFrame  # rules.FLAG_COLUMNS, the most severe first

    def rule(self, code: str):
        return next(r for r in self.data.cfg.rules if r.code == code)

    def message(self, flag) -> str:
        return messages.describe(self.data, self.rule(flag.aturan), flag)

    def of(self, cooperative_id: int) -> pd.DataFrame:
        return self.flags[self.flags["cooperative_id"] == cooperative_id]


def year_data(cfg: Config, year: int, register: pd.DataFrame, counted: rules.Counted,
              versions: pd.DataFrame, on: date | None = None,
              depth: int = HISTORY + 1) -> YearData:  # fmt: skip
    """What the rules read, from the register, the counted reports and the year's versions."""
    return rules.year_data(cfg, year, depth, register, counted, versions, rat_deadline(year),
                           int(get_setting("batas_lapor_hari")), on or today())  # fmt: skip


def year_warnings(year: int, on: date | None = None, cfg: Config | None = None) -> Warnings:
    """Every flag of the tahun buku for every cooperative on the register."""
    cfg = cfg or config()
    counted = frame.counted(cfg, year, year - HISTORY)
    data = year_data(cfg, year, frame.register(), counted, frame.versions(year), on)
    return Warnings(data, evaluate(data))


def peers_of(warnings: Warnings) -> pd.DataFrame:
    """Percentile, median and group size of every (cooperative, ratio) of the year."""
    data = warnings.data
    values = {code: computed.value[0] for code, computed in data.ratios.items()}
    return peer_table(data.cfg, data.register, values, data.items["total_aset"][0])


def badges(reports: Sequence[Report]) -> dict[int, list[tuple[str, str]]]:
    """{report id: [(tingkat, label)] of its cooperative's flags for its tahun buku}, the most
    severe first: the same reads as the district's, for a page of reports' cooperatives."""
    reports = list(reports)
    if not reports:
        return {}
    cfg = config()
    ids = sorted({r.cooperative_id for r in reports})
    years = {r.tahun_buku for r in reports}
    register = frame.register_of({r.cooperative.id: r.cooperative for r in reports}.values())
    counted = frame.counted(cfg, max(years), min(years) - HISTORY, ids)
    versions = frame.versions(max(years), min(years), ids)
    found: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for year in sorted(years):
        data = year_data(cfg, year, register, counted, versions)
        labels = {rule.code: rule.label for rule in cfg.rules}
        for flag in evaluate(data).itertuples():
            found.setdefault((flag.cooperative_id, year), []).append(
                (flag.tingkat, labels[flag.aturan])
            )
    return {r.id: found.get((r.cooperative_id, r.tahun_buku), []) for r in reports}


def default_year() -> int:
    """The latest tahun buku whose report is overdue today: its flags can all be judged."""
    return latest_overdue()


def report_years() -> list[int]:
    """Tahun buku with a counted report, newest first (the year choices)."""
    query = select(Report.tahun_buku).where(Report.counted_latest.is_(True)).distinct()
    return sorted(db.session.scalars(query), reverse=True)


def newest_year() -> int | None:
    return db.session.scalar(select(func.max(Report.tahun_buku)).where(Report.counted_latest))


def worst(flags: Iterable[tuple[str, str]]) -> str | None:
    levels = [level for level, _ in flags]
    return min(levels, key=SEVERITY_ORDER.__getitem__) if levels else None
