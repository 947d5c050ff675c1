"""/notifikasi: the signed-in user's notifications, newest first, and marking them read."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from sikomo import per_request
from sikomo.auth.access import roles_required
from sikomo.models import Role
from sikomo.notify import bp, sender
from sikomo.notify import operations as ops
from sikomo.numbers import page_arg


class ReadForm(FlaskForm):
    """Only the CSRF token: the button says what is marked."""


@bp.route("/")
@roles_required(*Role)
def index():
    page = ops.page_of(current_user, page_arg(request.args), current_app.config["PER_PAGE"])
    return render_template("notify/index.html", page=page, form=ReadForm(),
                           unread=unread_badge())  # fmt: skip


@bp.route("/<int:notification_id>/buka")
@roles_required(*Role)
def open_link(notification_id: int):
    """Follow a notification's link, marking it read on the way (one's own only)."""
    row = ops.own(current_user, notification_id)
    if row is None:
        abort(404)
    ops.mark_read(current_user, row)
    return redirect(request.script_root + safe_path(row.link))


@bp.route("/<int:notification_id>/dibaca", methods=["POST"])
@roles_required(*Role)
def read(notification_id: int):
    if not ReadForm().validate_on_submit():
        abort(400)
    row = ops.own(current_user, notification_id)
    if row is None:
        abort(404)
    ops.mark_read(current_user, row)
    flash("Notifikasi ditandai sudah dibaca.", "success")
    return redirect(back())


@bp.route("/dibaca-semua", methods=["POST"])
@roles_required(*Role)
def read_all():
    if not ReadForm().validate_on_submit():
        abort(400)
    done = ops.mark_all_read(current_user)
    flash(f"{done} notifikasi ditandai sudah dibaca." if done else
          "Tidak ada notifikasi yang belum dibaca.", "success")  # fmt: skip
    return redirect(back())


def back() -> str:
    """The list page the button was on."""
    page = page_arg(request.args)
    return url_for("notify.index", page=page) if page > 1 else url_for("notify.index")


def safe_path(link: str) -> str:
    """A stored link is an app-relative path; anything else goes to the list (no open redirect)."""
    if link.startswith("/") and not link.startswith(("//", "/\\")):
        return link
    return url_for("notify.index").removeprefix(request.script_root)


def unread_badge() -> str:
    """The nav badge's text ('' when nothing is unread), counted once per request."""
    if not current_user.is_authenticated:
        return ""
    count = per_request.once("sikomo.unread", lambda: ops.unread_count(current_user), 0)
    return "" if not count else (f"{ops.BADGE_CAP}+" if count > ops.BADGE_CAP else str(count))


bp.add_app_template_global(unread_badge, "unread_badge")
bp.after_app_request(sender.send_after_response)  # mail queued by a request: tried once sent
