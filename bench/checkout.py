"""Checkout throughput on PostgreSQL: orders placed per second by 8 concurrent buyers, and the
checkout page's median time.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_orders \
        .venv/bin/python bench/checkout.py [--seconds 10] [--buyers 8]

The database's tables are dropped and recreated. Each buyer fills a server-side cart with 1-3
variants from different producers and places the order through orders.services.place_order,
exactly as the checkout view does (stock taken under row locks, one order per producer).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from storefront.core.clock import today_in_vietnam

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storefront import create_app
from storefront.cart.models import Cart, CartItem
from storefront.catalog.models import Producer, Product, Variant
from storefront.catalog.services import add_certificate
from storefront.config import TestConfig
from storefront.extensions import db
from storefront.orders import services
from storefront.payments.models import ProducerPaymentMethod
from storefront.places.models import Place

URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_orders"
)
GOODS = ["Mật ong rừng", "Vải thiều sấy", "Gạo nếp cái hoa vàng", "Miến dong", "Rượu làng Vân"]


class BenchConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = URL
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 12, "max_overflow": 4}
    RATELIMIT_ENABLED = False


def seed(producers: int = 20, per_producer: int = 5) -> tuple[list[list[int]], int]:
    """Producers with certified products and deep stock; returns variant ids by producer."""
    db.drop_all()
    db.create_all()
    province = Place(
        era="current",
        level="province",
        code="24",
        name="Tỉnh Bắc Ninh",
        short_name="Bắc Ninh",
        slug="tinh-bac-ninh",
        search_key="tinh bac ninh",
    )
    db.session.add(province)
    db.session.flush()
    commune = Place(
        era="current",
        level="commune",
        code="07330",
        name="Xã Phúc Hòa",
        short_name="Phúc Hòa",
        slug="xa-phuc-hoa",
        search_key="xa phuc hoa",
        parent_id=province.id,
    )
    db.session.add(commune)
    by_producer: list[list[int]] = []
    for p in range(producers):
        producer = Producer(
            slug=f"htx-{p}",
            name=f"HTX số {p}",
            kind="cooperative",
            delivery_fee=30_000,
            free_delivery_from=500_000,
        )
        db.session.add(producer)
        db.session.flush()
        db.session.add(ProducerPaymentMethod(producer_id=producer.id, method="cod"))
        variants = []
        for i in range(per_producer):
            product = Product(
                slug=f"sp-{p}-{i}",
                producer=producer,
                product_set=1,
                name_vi=f"{GOODS[i % len(GOODS)]} {p}-{i}",
            )
            db.session.add(product)
            db.session.flush()
            variant = Variant(
                product=product,
                sku=f"B-{p}-{i}",
                label_vi="Hộp 1 kg",
                price=50_000 + 10_000 * i,
                stock=1_000_000,
            )
            db.session.add(variant)
            add_certificate(
                product,
                stars=4,
                level="province",
                issuing_body="UBND tỉnh",
                decision_number=f"{p}-{i}/QĐ",
                decision_date=today_in_vietnam() - timedelta(days=100),
            )
            db.session.flush()
            variants.append(variant.id)
        by_producer.append(variants)
    db.session.commit()
    return by_producer, commune.id


def buyer_loop(app, by_producer, commune_id, stop_at, counts, index) -> None:
    rng = random.Random(index)
    placed = 0
    with app.test_request_context("/"):
        while time.monotonic() < stop_at:
            producers = rng.sample(by_producer, rng.randint(1, 3))
            token = f"bench-{index}-{placed}-{rng.random()}"
            cart = Cart(token=f"c-{token}", checkout_token=token)
            cart.items = [
                CartItem(kind="product", variant_id=rng.choice(v), quantity=rng.randint(1, 3))
                for v in producers
            ]
            db.session.add(cart)
            db.session.commit()
            buyer = services.Buyer(
                "Nguyễn Văn An", "0912345678", None, "Thôn Đông", commune_id, "", "cod"
            )
            services.place_order(cart, buyer, token, None)
            placed += 1
        db.session.remove()
    counts[index] = placed


def checkout_page_times(app, by_producer, runs: int) -> list[float]:
    client = app.test_client()
    for variants in by_producer[:3]:
        with client.session_transaction():
            pass
        client.post("/cart/add", data={"variant_id": variants[0], "quantity": 1})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/checkout")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--page-runs", type=int, default=200)
    args = parser.parse_args()

    class Config(BenchConfig):
        WTF_CSRF_ENABLED = False

    app = create_app(Config)
    with app.app_context():
        by_producer, commune_id = seed()
    counts = [0] * args.buyers
    stop_at = time.monotonic() + args.seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=buyer_loop, args=(app, by_producer, commune_id, stop_at, counts, i))
        for i in range(args.buyers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(counts)
    with app.app_context():
        times = checkout_page_times(app, by_producer, args.page_runs)
        db.session.remove()
    median = statistics.median(times) * 1000
    p95 = sorted(times)[int(len(times) * 0.95)] * 1000
    print(
        f"orders placed: {total} in {elapsed:.1f} s by {args.buyers} buyers "
        f"= {total / elapsed:.0f} orders/s"
    )
    print(
        f"GET /checkout (cart of 3 producers, in-process): median {median:.1f} ms, "
        f"p95 {p95:.1f} ms over {len(times)} requests"
    )


if __name__ == "__main__":
    main()
