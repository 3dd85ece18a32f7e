"""Benchmark the public catalog: 10,000 products across 500 producers in a temporary SQLite DB.

Run: .venv/bin/python bench/catalog.py [--products 10000] [--producers 500] [--runs 40]
Prints the median and p95 time of the listing page, a filtered listing, a search and the home
page, measured in process through Flask's test client (templates rendered, no network).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from storefront.core.clock import today_in_vietnam

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storefront import create_app
from storefront.catalog.browse import _cache as facet_cache
from storefront.catalog.listing import reindex_all
from storefront.catalog.models import (
    Certificate,
    Producer,
    Product,
    Variant,
    valid_until_for,
)
from storefront.config import TestConfig
from storefront.extensions import db
from storefront.places.models import Place
from storefront.places.services import load_province
from storefront.text import fold, slugify

WORDS = [
    "Vải thiều",
    "Mật ong",
    "Mỳ gạo",
    "Chè xanh",
    "Rượu nếp",
    "Gà đồi",
    "Nem nướng",
    "Ổi",
    "Na",
    "Bưởi",
    "Dưa kim",
    "Trà hoa",
    "Nấm sò",
    "Măng",
    "Sâm nam",
    "Bánh khảo",
    "Dầu mè",
    "Giò lụa",
    "Cao ngựa",
    "Vú sữa",
    "Đông trùng hạ thảo",
]
KINDS = ("cooperative", "enterprise", "household", "cooperative_group")


def generate(products: int, producers: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    load_province("Bắc Giang")
    communes = db.session.scalars(
        select(Place).where(Place.era == "legacy", Place.level == "commune")
    ).all()
    now = datetime.now(UTC)
    producer_rows, homes = [], []
    for n in range(1, producers + 1):
        commune = rng.choice(communes)
        homes.append(commune)
        name = f"HTX {rng.choice(WORDS)} {commune.short_name} {n}"
        producer_rows.append(
            {
                "id": n,
                "slug": f"{slugify(name)}-{n}",
                "name": name,
                "kind": rng.choice(KINDS),
                "status": "active" if n % 50 else "suspended",
                "legacy_place_id": commune.id,
                "current_place_id": commune.successor_id,
                "address_as_written": commune.full_name,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Producer), producer_rows)
    product_rows, variant_rows, certificate_rows = [], [], []
    today = today_in_vietnam()
    for n in range(1, products + 1):
        producer = producer_rows[n % producers]
        commune = homes[n % producers]
        name = f"{rng.choice(WORDS)} {commune.short_name} loại {n}"
        successor = commune.successor
        places = [commune.full_name, successor.full_name if successor else ""]
        product_rows.append(
            {
                "id": n,
                "slug": f"{slugify(name)}-{n}",
                "producer_id": producer["id"],
                "product_set": rng.randint(1, 26),
                "name_vi": name,
                "name_en": "",
                "description_vi": f"{name}: sản phẩm OCOP dùng để đo tốc độ.",
                "is_listed": n % 97 != 0,
                "search_text": " | ".join(
                    fold(t) for t in [name, producer["name"], commune.full_name, *places] if t
                ),
                "legacy_place_id": commune.id,
                "current_place_id": commune.successor_id,
                "address_as_written": commune.full_name,
                "created_at": now - timedelta(minutes=n),
                "updated_at": now,
            }
        )
        for v in range(rng.randint(1, 3)):
            variant_rows.append(
                {
                    "product_id": n,
                    "sku": f"B{n}-{v}",
                    "label_vi": f"Gói {v + 1}",
                    "label_en": "",
                    "price": rng.randrange(30_000, 2_000_000, 5_000),
                    "stock": rng.choice((0, 5, 20, 100)),
                    "is_active": True,
                }
            )
        decided = today - timedelta(days=rng.randint(10, 1400))
        certificate_rows.append(
            {
                "product_id": n,
                "stars": rng.choice((3, 3, 3, 4, 4, 5)),
                "level": "province",
                "issuing_body": "UBND tỉnh Bắc Giang",
                "decision_number": f"{n}/QĐ-UBND",
                "decision_date": decided,
                "valid_until": valid_until_for(decided),
                "revoked_on": today - timedelta(days=3) if n % 113 == 0 else None,
                "revoked_reason": "Bench" if n % 113 == 0 else None,
                "created_at": now,
            }
        )
    db.session.execute(insert(Product), product_rows)
    db.session.execute(insert(Variant), variant_rows)
    db.session.execute(insert(Certificate), certificate_rows)
    db.session.commit()
    reindex_all()  # the rows went in with plain INSERTs, which the ORM hook does not see


def measure(client, url: str, runs: int, cold: bool) -> tuple[float, float, float]:
    """Median and p95 wall time, and median CPU time of this process, in milliseconds.

    The CPU time shows the cost of a request apart from waiting for a shared, busy machine.
    ``cold`` empties the facet-count cache before every request (a filter combination nobody
    asked for in the last minute); otherwise repeated requests are served from it.
    """
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(runs):
        if cold:
            facet_cache.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, math.ceil(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--producers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
            UPLOAD_DIR = tmp
            TESTING = False

        app = create_app(Config)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            generate(args.products, args.producers)
            print(
                f"generated {args.products} products, {args.producers} producers "
                f"in {time.perf_counter() - started:.1f} s"
            )
        client = app.test_client()
        pages = [
            ("listing", "/products"),
            ("filtered listing", "/products?stars=4&group=food&in_stock=1&sort=price_asc"),
            ("search", "/products?q=vai+thieu"),
            ("search + place", "/products?q=mat+ong&place=huyen-luc-ngan"),
            ("home", "/"),
        ]
        print(f"load average before measuring: {os.getloadavg()[0]:.2f} (2 cores)")
        for cold in (False, True):
            for label, url in pages:
                median, p95, cpu = measure(client, url, args.runs, cold)
                print(
                    f"{label + (' (cold)' if cold else ''):<25} median {median:6.1f} ms   "
                    f"p95 {p95:6.1f} ms   cpu median {cpu:5.1f} ms   {url}"
                )


if __name__ == "__main__":
    main()
