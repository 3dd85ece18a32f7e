"""`flask mail send`: the outbox printed in development, sent through SMTP when configured."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from storefront.core.models import OutboxMessage
from storefront.core.services import queue_mail
from storefront.extensions import db


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server = self.server
        self.reply("220 localhost test SMTP")
        lines: list[bytes] | None = None
        while line := self.rfile.readline():
            if lines is not None:
                if line.rstrip(b"\r\n") == b".":
                    server.received.append(b"".join(lines))
                    lines = None
                    self.reply("250 OK queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command == b"EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif command == b"RCPT":
                self.reply(server.rcpt_reply)
            elif command == b"DATA":
                lines = []
                self.reply("354 End data with <CR><LF>.<CR><LF>")
            elif command == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.received: list[bytes] = []
        self.rcpt_reply = "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[SMTPServer]:
    server = SMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "MAIL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_SMTP_PORT", server.server_address[1])
    yield server
    server.shutdown()
    server.server_close()


def _queue() -> OutboxMessage:
    message = queue_mail(
        "lan@example.vn", "Đặt lại mật khẩu", "Mở liên kết này: http://localhost/x", "test"
    )
    db.session.commit()
    return message


def test_without_smtp_mail_is_printed_and_marked_sent(app):
    message = _queue()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "To: lan@example.vn" in result.output
    assert "Mở liên kết này" in result.output
    assert "1 sent, 0 failed." in result.output
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 1
    again = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "0 sent, 0 failed." in again.output


def test_with_smtp_mail_goes_to_the_server(app, smtp_server):
    message = _queue()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    [raw] = smtp_server.received
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["To"] == "lan@example.vn"
    assert mail["Subject"] == "Đặt lại mật khẩu"
    assert "Mở liên kết này" in mail.get_content()
    db.session.refresh(message)
    assert message.sent_at is not None


def test_a_refused_message_stays_queued_with_its_error(app, smtp_server):
    smtp_server.rcpt_reply = "550 No such user"
    message = _queue()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "0 sent, 1 failed." in result.output
    db.session.refresh(message)
    assert message.sent_at is None
    assert message.attempts == 1
    assert "No such user" in message.last_error
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)))
