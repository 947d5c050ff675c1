"""A report submitted through sikomo.reports.operations (so it has its tanda terima), and a
local SMTP server (aiosmtpd) for the notification tests to send to and read from."""

import socket
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller

from sikomo.extensions import db
from sikomo.models import Report, ReportStatus
from sikomo.reports import operations as ops
from tests.test_reports import ANSWERS, CURRENT


def draft(coop, tahun_buku: int = 2025, version: int = 1, **extra) -> Report:
    """A complete draft on the balanced sample figures, every questionnaire item answered."""
    data = {"tahun_buku": tahun_buku, **CURRENT, "tanggal_rat": "2026-03-14",
            "kuesioner": ANSWERS, **extra}  # fmt: skip
    report = Report(cooperative_id=coop.id, tahun_buku=tahun_buku, version=version,
                    status=ReportStatus.DRAF, data=data)  # fmt: skip
    db.session.add(report)
    db.session.commit()
    return report


def submitted(coop, actor, **extra) -> Report:
    report = draft(coop, **extra)
    ops.submit(actor, report, {}, None)
    return report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What arrived at the test's SMTP server; `refuse` answers DATA with an error instead."""

    def __init__(self):
        self.mails = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_SECURITY": "none",
                "SMTP_FROM": "SIKOMO <sikomo@dinas.test>", "SMTP_TIMEOUT": 5}  # fmt: skip
