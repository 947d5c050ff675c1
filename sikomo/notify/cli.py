"""flask --app sikomo kirim-surel (send the outbox) and remind (daily deadline reminders)."""

from datetime import date

import click
from sqlalchemy import func, select

from sikomo import deadlines
from sikomo.extensions import db
from sikomo.format import angka, tanggal
from sikomo.models import OutboxMessage, OutboxStatus
from sikomo.notify import remind, sender


def send_outbox() -> bool:
    """Send what is due and say how it went; False when no SMTP server is set."""
    try:
        outcome = sender.send_due()
    except sender.NotConfigured as exc:
        waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == OutboxStatus.ANTRE))  # fmt: skip
        click.echo(f"{exc} {angka(waiting or 0)} surel tetap dalam antrean dan dikirim setelah "
                   "SMTP diatur.", err=True)  # fmt: skip
        return False
    click.echo(f"Surel terkirim: {angka(outcome.terkirim)}, dicoba lagi nanti: "
               f"{angka(outcome.dicoba_lagi)}, gagal: {angka(outcome.gagal)}.")  # fmt: skip
    return True


@click.command("kirim-surel")
def send_command():
    """Send the e-mail outbox (cron: every few minutes)."""
    if not send_outbox():
        raise SystemExit(1)


@click.command("remind")
@click.option(
    "--tanggal", "day", default=None, help="Hari pengingat, YYYY-MM-DD (bawaan: hari ini, WIB)."
)
def remind_command(day: str | None):
    """Remind pengurus of report deadlines (cron: daily), then send the outbox."""
    try:
        today = date.fromisoformat(day) if day else deadlines.today()
    except ValueError:
        raise click.BadParameter(
            "tanggal harus berbentuk YYYY-MM-DD.", param_hint="--tanggal"
        ) from None
    new = remind.remind_deadlines(today)
    new += remind.remind_overdue_findings(today)
    click.echo(f"Pengingat {tanggal(today)}: {angka(new)} notifikasi baru.")
    send_outbox()


COMMANDS = (send_command, remind_command)
