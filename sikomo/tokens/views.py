from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from sikomo.auth.access import MANAGERS, roles_required
from sikomo.extensions import db
from sikomo.models import ApiToken, Cooperative
from sikomo.tokens import bp
from sikomo.tokens import operations as ops
from sikomo.tokens.forms import IssueForm, RevokeForm


@bp.route("/")
@roles_required(*MANAGERS)
def index():
    return render_template("tokens/index.html", tokens=ops.all_tokens(), revoke_form=RevokeForm())


@bp.route("/koperasi/<int:cooperative_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def cooperative(cooperative_id):
    coop = db.session.get(Cooperative, cooperative_id) or abort(404)
    form = IssueForm()
    issued = None
    if form.validate_on_submit():
        # Rendered, not redirected: the secret must not travel through the session cookie.
        issued = ops.issue(current_user, coop, form.name.data)
        form = IssueForm(formdata=None)
    return render_template(
        "tokens/cooperative.html",
        coop=coop,
        form=form,
        issued=issued,
        tokens=ops.tokens_of(coop.id),
        revoke_form=RevokeForm(),
    )


@bp.post("/<int:token_id>/cabut")
@roles_required(*MANAGERS)
def revoke(token_id):
    row = db.session.get(ApiToken, token_id) or abort(404)
    if RevokeForm().validate_on_submit():
        ops.revoke(current_user, row)
        flash(f"Token {row.prefix}… ({row.name}) telah dicabut.", "success")
    return redirect(url_for("tokens.cooperative", cooperative_id=row.cooperative_id))
