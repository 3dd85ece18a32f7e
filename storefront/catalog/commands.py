"""`flask catalog reindex`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .listing import reindex_all

catalog_cli = AppGroup("catalog", help="Catalog maintenance.")


@catalog_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the listing index from products, certificates, variants and producers."""
    count = reindex_all()
    click.echo(f"Listing index rebuilt for {count} products.")


def register(app: Flask) -> None:
    app.cli.add_command(catalog_cli)
