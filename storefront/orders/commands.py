"""`flask orders expire`: cancel online-payment orders not paid in time (safe from cron)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..payments.services import cancel_intent
from . import services

orders_cli = AppGroup("orders", help="Orders.")


@orders_cli.command("expire")
def expire() -> None:
    """Cancel unpaid card and transfer orders past their time to pay; return their stock."""
    cancelled = services.expire_unpaid()
    for order in cancelled:
        if order.group.payment_method == "card":
            cancel_intent(order.group)
    click.echo(f"Cancelled {len(cancelled)} unpaid order(s).")


def register(app: Flask) -> None:
    app.cli.add_command(orders_cli)
