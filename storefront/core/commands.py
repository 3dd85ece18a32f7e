"""`flask mail send`: deliver the outbox."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .mail import send_outbox

mail = AppGroup("mail", help="The mail outbox.")


@mail.command("send")
@click.option("--limit", default=100, show_default=True, help="Most messages to send in one run.")
def send(limit: int) -> None:
    """Send waiting mail: printed here without MAIL_SMTP_HOST, else through that SMTP server."""
    sent, failed = send_outbox(click.echo, limit)
    click.echo(f"{sent} sent, {failed} failed.")
    if failed:
        raise SystemExit(1)


def register(app: Flask) -> None:
    app.cli.add_command(mail)
