"""When a decision needs a second user: the one rule, shared by the review and four-eyes."""

from sikomo.models import Report, Role
from sikomo.review.answers import pengawas_answers, scored_confirmations
from sikomo.settings import get_setting

APPROVALS = ("setujui", "sesuaikan")  # sikomo.review.operations.SETUJUI, SESUAIKAN
CONFIRMERS = (Role.PENGAWAS, Role.DINAS)  # who may give the second approval
KONFIRMASI, TOLAK, TARIK = "konfirmasi", "tolak", "tarik"  # the second user's answers


def changed_by_pengawas(report: Report) -> bool:
    """The pengawas corrected an answer or confirmed an indicator tidak berlaku."""
    return bool(pengawas_answers(report)) or bool(scored_confirmations(report))


def required(report: Report, kind: str) -> bool:
    """An approval that overrides or changes the engine's result, while the setting is on."""
    if kind not in APPROVALS or not get_setting("empat_mata"):
        return False
    return kind == "sesuaikan" or changed_by_pengawas(report)
