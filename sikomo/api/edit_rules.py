from flask import jsonify

from sikomo import edit_rules
from sikomo.api import bp


@bp.route("/edit-rules")
def edit_rules_json():
    """The validity and quality edits every report goes through, as data."""
    return jsonify(edit_rules.as_json())
