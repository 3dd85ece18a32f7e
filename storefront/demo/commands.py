"""`flask demo load` and `flask demo logins`."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..catalog.models import Producer
from ..extensions import db
from .accounts import load_accounts, logins
from .catalog import load_catalog
from .orders import load_orders
from .programme import load_programme

# Each step is idempotent; features append theirs in dependency order.
STEPS: list[tuple[str, Callable[[], object]]] = [
    ("catalog", load_catalog),
    ("accounts", load_accounts),
    ("orders", load_orders),
    ("programme", load_programme),
]

demo = AppGroup("demo", help="Demo data.")


def load_all() -> None:
    for _name, step in STEPS:
        step()


@demo.command("load")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already has producers."
)
def load(if_empty: bool) -> None:
    """Load the demo data; running it again adds nothing twice."""
    if if_empty and db.session.scalar(select(Producer.id).limit(1)) is not None:
        click.echo("Demo data already present.")
        return
    for name, step in STEPS:
        click.echo(f"Loading {name}…")
        step()
    click.echo("Demo data loaded.")


@demo.command("logins")
def show_logins() -> None:
    """Print the demo accounts."""
    click.echo("\nDemo accounts (password after the colon):")
    for who, email, password in logins():
        click.echo(f"  {who:<55} {email} : {password}")
    click.echo("")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
