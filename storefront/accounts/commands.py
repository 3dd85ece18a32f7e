"""`flask users …` commands."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db
from .models import Role
from .services import create_user, find_user

users = AppGroup("users", help="Manage accounts.")


@users.command("create-office")
@click.argument("email")
@click.option("--password", help="Password; a random one is generated and printed if omitted.")
def create_office(email: str, password: str | None) -> None:
    """Create an OCOP office account."""
    if find_user(email) is not None:
        raise click.ClickException(f"An account for {email} already exists.")
    password = password or secrets.token_urlsafe(12)
    create_user(email, password, Role.OFFICE, name="OCOP office")
    db.session.commit()
    click.echo(f"Office account {email} created. Password: {password}")


def register(app: Flask) -> None:
    app.cli.add_command(users)
