"""Tanda terima: the pengurus's proof that a report version was submitted, and when.

A receipt is written in the transaction that submits the version (`issue`), so a submission
never exists without one, and is numbered TT/{year of submission, WIB}/{its id}."""

from uuid import uuid4

from sqlalchemy import select

from sikomo import audit
from sikomo.extensions import db
from sikomo.format import local
from sikomo.models import Receipt, Report

NAME_LENGTH = 200  # Receipt.submitter_name


def number(receipt: Receipt) -> str:
    """TT/2026/000123: unique (from the row's id) and short enough to read over the phone."""
    return f"TT/{local(receipt.submitted_at).year}/{receipt.id:06d}"


def submitter_name(actor) -> str:
    """Who submitted: the user's name, or how an API token or the system is named."""
    if actor is None:
        return "sistem"
    if isinstance(actor, str):  # an API token's label (sikomo.tokens.operations.actor_label)
        return actor[:NAME_LENGTH]
    return (actor.name or actor.email)[:NAME_LENGTH]


def issue(actor, report: Report) -> Receipt:
    """The receipt of `report`, submitted now; flushed (its number is made from its id) and
    audited, committed by the caller with the submission."""
    receipt = Receipt(
        number=f"TT/-/{uuid4().hex}",  # unique until the id is known, replaced before commit
        report_id=report.id,
        cooperative_id=report.cooperative_id,
        tahun_buku=report.tahun_buku,
        version=report.version,
        submitted_at=report.submitted_at,
        submitter_id=getattr(actor, "id", None),
        submitter_name=submitter_name(actor),
    )
    db.session.add(receipt)
    db.session.flush()
    receipt.number = number(receipt)
    audit.record(actor, "receipt.issue", receipt, None, {
        "number": receipt.number, "report_id": report.id, "tahun_buku": report.tahun_buku,
        "version": report.version, "submitter": receipt.submitter_name,
    })  # fmt: skip
    return receipt


def receipt_of(report: Report | None) -> Receipt | None:
    """The receipt of one report version (None for a draft or an imported report)."""
    if report is None or report.id is None:
        return None
    return db.session.scalar(select(Receipt).where(Receipt.report_id == report.id))


def receipts_of(cooperative_id: int) -> list[Receipt]:
    """Every receipt of a cooperative, newest first (the pengurus's dashboard)."""
    query = select(Receipt).where(Receipt.cooperative_id == cooperative_id)
    return list(db.session.scalars(query.order_by(Receipt.submitted_at.desc(), Receipt.id.desc())))


def quoted(report: Report) -> str:
    """How a later message names the version's receipt: 'Tanda terima TT/2026/000123.'"""
    receipt = receipt_of(report)
    return f"Tanda terima {receipt.number}." if receipt is not None else ""


def receipt_json(receipt: Receipt | None) -> dict | None:
    """The receipt as the API returns it (None before the version is submitted)."""
    if receipt is None:
        return None
    return {
        "nomor": receipt.number,
        "tahun_buku": receipt.tahun_buku,
        "versi": receipt.version,
        "diajukan_pada": local(receipt.submitted_at).isoformat(),  # WIB, with its offset
        "diajukan_oleh": receipt.submitter_name,
    }
