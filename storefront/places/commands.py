"""`flask places load`: seed the places tables."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .services import load_province

places = AppGroup("places", help="Administrative units, 2024 and 2025.")


@places.command("load")
@click.option("--province", default="Bắc Giang", show_default=True, help="2024 province name.")
def load(province: str) -> None:
    """Load a 2024 province, its districts and communes, and their 2025 successors."""
    legacy, current = load_province(province)
    click.echo(f"{legacy} legacy units and {current} current units loaded for {province}.")


def register(app: Flask) -> None:
    app.cli.add_command(places)
