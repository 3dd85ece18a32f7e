"""`flask stamps issue`: issue a run of stamps for a batch and write its print sheet."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..catalog.models import Product
from ..extensions import db
from .models import Batch, StampRun
from .printing import StampText, render_pdf, render_pins, render_zip
from .services import issue_stamps, label_for, stamp_url

stamps = AppGroup("stamps", help="Traceability stamps.")


@stamps.command("issue")
@click.option("--batch", "lot", required=True, help="Lot code of the batch.")
@click.option(
    "--product", "slug", default=None, help="Product slug, when several share the lot code."
)
@click.option("--count", type=click.IntRange(1, 100_000), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--layout", type=click.Choice(["a4", "roll", "svg", "png"]), default="a4")
@click.option("--pins", is_flag=True, help="Give each stamp a scratch-off PIN (sheet beside FILE).")
@click.option(
    "--workers", type=click.IntRange(1, 16), default=2, help="Processes drawing QR codes."
)
def issue(lot: str, slug: str | None, count: int, out: Path, layout: str, pins: bool, workers: int):
    """Issue COUNT stamps for the batch LOT and write their print sheet to FILE."""
    query = select(Batch).join(Product).where(Batch.lot_code == lot)
    if slug:
        query = query.where(Product.slug == slug)
    found = db.session.scalars(query.limit(2)).all()
    if not found:
        raise click.ClickException(f"No batch with lot code {lot}.")
    if len(found) > 1:
        raise click.ClickException("Several products have this lot code; add --product SLUG.")
    batch = found[0]
    if batch.recalled_at is not None:
        raise click.ClickException("This batch is recalled; no new stamps can be issued.")
    run = StampRun(batch_id=batch.id, count=count, layout=layout, with_pin=pins, status="ready")
    db.session.add(run)
    db.session.flush()
    rows, pin_pairs = issue_stamps(batch, run, count, pins)
    label = label_for(batch)
    texts = [StampText(r["code"], r["serial"], stamp_url(r["code"])) for r in rows]
    with click.progressbar(length=count, label="Rendering stamps") as bar:
        shown = 0

        def progress(done: int) -> None:
            nonlocal shown
            bar.update(done - shown)
            shown = done

        if layout in ("svg", "png"):
            data = render_zip(label, texts, layout, progress)
        else:
            data = render_pdf(label, texts, layout, progress, workers=workers)
    out.write_bytes(data)
    run.progress = count
    db.session.commit()
    click.echo(
        f"{count} stamps for batch {lot} (serials {rows[0]['serial']}–{rows[-1]['serial']}) → {out}"
    )
    if pin_pairs:
        pin_file = out.with_name(out.stem + "-pins.pdf")
        pin_file.write_bytes(render_pins(label, pin_pairs))
        click.echo(f"PIN sheet → {pin_file} (the only copy of the PINs: keep it safe)")


def register(app: Flask) -> None:
    app.cli.add_command(stamps)
