"""SIKOMO's scoring engine: cooperative health assessment as pure Python over data rulesets.

Imports nothing from flask, sqlalchemy or sikomo; the web app, the CLI and batch jobs call it.
"""

from .engine import assess
from .errors import MethodError, ReportError, RulesetError, ScoringError
from .frame import assess_frame
from .results import AspectResult, Assessment, IndicatorResult
from .ruleset import Ruleset, builtin_rulesets, load_ruleset, parse_ruleset, ruleset_for
from .whatif import WhatIf, simulate, what_it_takes

__all__ = [
    "Assessment",
    "AspectResult",
    "IndicatorResult",
    "MethodError",
    "ReportError",
    "Ruleset",
    "RulesetError",
    "ScoringError",
    "WhatIf",
    "assess",
    "assess_frame",
    "builtin_rulesets",
    "load_ruleset",
    "parse_ruleset",
    "ruleset_for",
    "simulate",
    "what_it_takes",
]
