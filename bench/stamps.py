"""Stamp benchmarks: issue and render 10,000 stamps as a PDF; scan-page time at 10k vs 1M stamps.

    .venv/bin/python bench/stamps.py            # both parts, about a minute on 2 cores
    .venv/bin/python bench/stamps.py --skip-scan

Part 1 issues the stamps (signed codes, bulk insert), renders the A4 sheet with two worker
processes, then rasterises every page with pdftoppm and decodes every QR with zxing-cpp.
Part 2 fills a SQLite file with 10,000 and then 1,000,000 stamps (bulk inserts) and times the
scan page, which also records the scan, through the Flask test client.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

from storefront.core.clock import today_in_vietnam

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_app(db_path: Path, uploads: Path):
    from storefront import create_app
    from storefront.config import TestConfig

    class Config(TestConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"
        UPLOAD_DIR = str(uploads)
        RATELIMIT_ENABLED = False

    return create_app(Config)


def make_batch():
    from storefront.catalog.models import Producer, Product, Variant
    from storefront.catalog.services import add_certificate
    from storefront.extensions import db
    from storefront.trace.models import Batch, TraceEvent

    producer = Producer(
        slug="htx-hong-xuan",
        name="HTX SX & KD dịch vụ tổng hợp Hồng Xuân",
        address_as_written="Huyện Lục Ngạn, tỉnh Bắc Giang",
    )
    product = Product(
        slug="vai-thieu-luc-ngan",
        producer=producer,
        product_set=1,
        name_vi="Vải thiều Lục Ngạn",
        name_en="Luc Ngan lychee",
    )
    variant = Variant(product=product, sku="BG001-1", label_vi="Hộp 2 kg", price=180000, stock=9)
    db.session.add_all([producer, product, variant])
    db.session.flush()
    add_certificate(
        product,
        stars=5,
        level="central",
        issuing_body="Bộ NN&PTNT",
        decision_number="1/QĐ-BNN",
        decision_date=today_in_vietnam() - timedelta(days=200),
    )
    batch = Batch(
        product_id=product.id,
        variant_id=variant.id,
        lot_code="VT26-0612A",
        produced_on=today_in_vietnam() - timedelta(days=3),
        expires_on=today_in_vietnam() + timedelta(days=20),
        quantity=10000,
    )
    from datetime import UTC, datetime

    for step, hours in (("commissioning", 0), ("packing", 20), ("shipping", 30)):
        batch.events.append(
            TraceEvent(
                event_type="ObjectEvent",
                action="ADD" if step == "commissioning" else "OBSERVE",
                biz_step=step,
                event_time=datetime.now(UTC) - timedelta(days=3, hours=-hours),
                tz_offset="+07:00",
                place_text="HTX Hồng Xuân",
                ilmd={"harvestDate": batch.produced_on.isoformat()} if hours == 0 else None,
            )
        )
    db.session.add(batch)
    db.session.commit()
    return batch


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _decode_pages(args: tuple[str, int, int, str]) -> list[str]:
    import zxingcpp
    from PIL import Image

    pdf, first, last, prefix = args
    subprocess.run(
        ["pdftoppm", "-r", "90", "-gray", "-f", str(first), "-l", str(last), pdf, prefix],
        check=True,
    )
    texts: list[str] = []
    for path in sorted(Path(prefix).parent.glob(Path(prefix).name + "-*.pgm")):
        with Image.open(path) as image:
            texts += [
                r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            ]
        path.unlink()
    return texts


def bench_issue(workdir: Path, count: int) -> None:
    from sqlalchemy import select

    from storefront.extensions import db
    from storefront.trace.models import StampRun
    from storefront.trace.printing import StampText, render_pdf
    from storefront.trace.services import issue_stamps, label_for, stamp_url

    app = make_app(workdir / "issue.db", workdir / "uploads")
    with app.app_context():
        db.create_all()
        batch = make_batch()
        run = StampRun(batch_id=batch.id, count=count, layout="a4", status="ready")
        db.session.add(run)
        db.session.commit()
        cpu_before = _cpu()
        started = time.perf_counter()
        rows, _pins = issue_stamps(batch, run, count, with_pin=False)
        issued = time.perf_counter()
        label = label_for(db.session.scalar(select(type(batch)).limit(1)))
        texts = [StampText(r["code"], r["serial"], stamp_url(r["code"])) for r in rows]
        pdf = render_pdf(label, texts, "a4", workers=2)
        rendered = time.perf_counter()
        cpu_main, cpu_workers = (a - b for a, b in zip(_cpu(), cpu_before, strict=True))
    out = workdir / "stamps.pdf"
    out.write_bytes(pdf)
    pages = (count + 29) // 30
    print(f"issue {count} stamps (sign + bulk insert): {issued - started:.2f} s")
    print(
        f"render {count} stamps as A4 PDF ({pages} pages, 2 processes): {rendered - issued:.2f} s"
    )
    print(
        f"issue + render {count} stamps: {rendered - started:.2f} s  (PDF {len(pdf) / 1e6:.1f} MB)"
    )
    print(
        f"  CPU: main process {cpu_main:.2f} s, QR workers {cpu_workers:.2f} s "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    if not shutil.which("pdftoppm"):
        print("pdftoppm missing: QR decoding check skipped")
        return
    half = pages // 2
    jobs = [
        (str(out), 1, half, str(workdir / "a")),
        (str(out), half + 1, pages, str(workdir / "b")),
    ]
    checked = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        decoded = [t for part in pool.map(_decode_pages, jobs) for t in part]
    expected = {t.url for t in texts}
    print(
        f"decoded {len(set(decoded) & expected)} of {count} QR codes back to their URL "
        f"({time.perf_counter() - checked:.1f} s)"
    )


def _fill(db_path: Path, batch_id: int, run_id: int, total: int) -> None:
    """Bulk-insert filler stamps up to ``total`` rows with plain sqlite3 executemany."""
    import sqlite3

    connection = sqlite3.connect(db_path)
    have = connection.execute("SELECT count(*) FROM stamps").fetchone()[0]
    serial = connection.execute(
        "SELECT count(*) FROM stamps WHERE batch_id = ?", (batch_id,)
    ).fetchone()[0]
    chunk = 50_000
    while have < total:
        n = min(chunk, total - have)
        rows = [
            (secrets.token_hex(10).upper(), run_id, batch_id, f"F{serial + i:09d}", 0)
            for i in range(n)
        ]
        connection.executemany(
            "INSERT INTO stamps (code, run_id, batch_id, serial, scan_count) VALUES (?,?,?,?,?)",
            rows,
        )
        connection.commit()
        have += n
        serial += n
    connection.close()


def _time_scans(app, codes: list[str], requests: int) -> tuple[float, float]:
    client = app.test_client()
    for code in codes[:5]:  # warm up templates and caches
        client.get(f"/t/{code}")
    times = []
    for i in range(requests):
        client.set_cookie("ocop_device", f"bench-device-{i % 50:06d}-xxxxxxxx")
        started = time.perf_counter()
        response = client.get(f"/t/{codes[i % len(codes)]}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench_scan(workdir: Path, big: int, requests: int) -> None:
    from storefront.extensions import db
    from storefront.trace.models import StampRun
    from storefront.trace.services import issue_stamps

    db_path = workdir / "scan.db"
    app = make_app(db_path, workdir / "uploads")
    with app.app_context():
        db.create_all()
        batch = make_batch()
        run = StampRun(batch_id=batch.id, count=100, layout="a4", status="ready")
        db.session.add(run)
        db.session.commit()
        rows, _ = issue_stamps(batch, run, 100, with_pin=False)
        codes = [r["code"] for r in rows]
        batch_id, run_id = batch.id, run.id
        db.session.remove()
    results = {}
    for total in (10_000, big):
        started = time.perf_counter()
        _fill(db_path, batch_id, run_id, total)
        filled = time.perf_counter() - started
        with app.app_context():
            results[total] = _time_scans(app, codes, requests)
            db.session.remove()
        median, p95 = results[total]
        print(
            f"scan page with {total:,} stamps: median {median:.2f} ms, p95 {p95:.2f} ms "
            f"({requests} scans; filled in {filled:.1f} s)"
        )
    small, large = results[10_000], results[big]
    print(
        f"ratio {big:,} / 10,000: median {large[0] / small[0]:.2f}, p95 {large[1] / small[1]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stamps", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--skip-issue", action="store_true")
    parser.add_argument("--skip-scan", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("STAMP_SIGNING_KEY", "bench-key")
    with tempfile.TemporaryDirectory(prefix="bench-stamps-") as tmp:
        workdir = Path(tmp)
        if not args.skip_issue:
            bench_issue(workdir, args.stamps)
        if not args.skip_scan:
            bench_scan(workdir, args.rows, args.requests)


if __name__ == "__main__":
    main()
