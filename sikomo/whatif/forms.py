"""The simulator's form: every figure the method reads and every questionnaire item, prefilled."""

from functools import cache

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

import scoring
from scoring.schema import Field, fields
from sikomo.forms import Form, NumberField
from sikomo.reports.sections import SECTIONS
from sikomo.whatif.operations import item_field

ANSWERS = [SelectChoice("", "Belum dijawab"), SelectChoice("ya", "Terpenuhi"),
           SelectChoice("tidak", "Tidak terpenuhi")]  # fmt: skip
HEADINGS = {code: title for s in SECTIONS for code, title in s.groups}


def figures(rs: scoring.Ruleset) -> list[Field]:
    """This year's figures the method's indicators read (and their fallbacks), in schema order;
    a prior-year figure is never a way to change this year's result."""
    read = {f for ind in rs.indicators if ind.enabled for f in ind.fields}
    read |= set(rs.fallbacks.values())
    return [f for k, f in fields().items() if k in read and f.lalu_of is None]


def groups(rs: scoring.Ruleset) -> list[tuple[str, list[Field]]]:
    """The figures under their report form's headings (Aset, Kewajiban, …)."""
    out: dict[str, list[Field]] = {}
    for f in figures(rs):
        out.setdefault(HEADINGS.get(f.section, f.section), []).append(f)
    return list(out.items())


def questionnaires(rs: scoring.Ruleset) -> list:
    return [ind for ind in rs.indicators if ind.enabled and ind.items]


@cache
def form_class(method: str) -> type[Form]:
    """One form class per method: a NumberField per figure, a choice per questionnaire item."""
    rs = scoring.builtin_rulesets()[method]
    attrs = {}
    for f in figures(rs):
        signed = f.kind == "signed_money"
        attrs[f.key] = NumberField(f.label, description=f.help, money=f.kind != "count",
                                   signed=signed, minimum=None if signed else 0)  # fmt: skip
    for ind in questionnaires(rs):
        for item in ind.items:
            attrs[item_field(item.code)] = SelectField(item.text, choices=ANSWERS, default="")
    return type(f"SimulatorForm_{method}", (Form,), attrs)
