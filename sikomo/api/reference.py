"""Reference data for outside software: the report's JSON Schema and the scoring rulesets."""

from flask import jsonify

import scoring
from sikomo.api import bp
from sikomo.api.report_schema import report_schema, standalone


@bp.get("/schema")
def schema():
    return jsonify(standalone(report_schema()))


@bp.get("/rulesets")
def rulesets():
    items = [rs.to_dict() for rs in scoring.builtin_rulesets().values()]
    return jsonify({"rulesets": items})
