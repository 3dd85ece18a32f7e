"""Deliver the mail outbox: to the console in development, through SMTP when configured."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .clock import utcnow
from .models import OutboxMessage

MAX_ATTEMPTS = 5


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or None)
    mail.set_content(message.body)
    return mail


def send_outbox(echo: Callable[[str], None], limit: int = 100) -> tuple[int, int]:
    """Send up to ``limit`` unsent messages; returns (sent, failed).

    Each message is committed as sent (or with its error) on its own, so a failure part-way
    neither loses nor repeats what went before. On PostgreSQL, SKIP LOCKED lets two senders
    run at once without sending a message twice.
    """
    config = current_app.config
    sender = config["MAIL_FROM"]
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not pending:
        db.session.commit()
        return 0, 0
    smtp = _connect() if config["MAIL_SMTP_HOST"] else None
    sent = failed = 0
    try:
        for message in pending:
            mail = build_message(message, sender)
            message.attempts += 1
            try:
                if smtp is None:
                    echo(
                        f"{'-' * 70}\nFrom: {sender}\nTo: {message.to}\n"
                        f"Subject: {message.subject}\n\n{message.body}\n"
                    )
                else:
                    smtp.send_message(mail)
            except (smtplib.SMTPException, OSError) as error:
                message.last_error = str(error)[:500]
                failed += 1
                current_app.logger.warning(
                    "Mail %s to %s failed: %s", message.id, message.to, error
                )
            else:
                message.sent_at = utcnow()
                message.last_error = None
                sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            smtp.quit()
    return sent, failed


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=30)
    smtp.ehlo()
    if smtp.has_extn("starttls"):
        smtp.starttls()
        smtp.ehlo()
    if config["MAIL_SMTP_USER"]:
        smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"])
    return smtp
