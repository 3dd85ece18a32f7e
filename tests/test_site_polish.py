"""Site-wide glue between the features: navigation, footer, sitemap and canonical links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from flask_babel import refresh

from storefront.core.clock import today_in_vietnam
from storefront.events.models import Event, GiftSet, GiftSetComponent, TourismSlot
from storefront.extensions import db
from tests.conftest import make_product, revoke


def page(client, url: str, status: int = 200) -> str:
    refresh()
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_header_links_to_events_and_programme_and_footer_to_open_data(client):
    html = page(client, "/")
    nav = html[html.index('class="top-nav"') : html.index("</nav>")]
    assert '<a href="/products">Sản phẩm</a>' in nav
    assert '<a href="/events">Sự kiện</a>' in nav
    assert '<a href="/programme">Chương trình</a>' in nav
    footer = html[html.index('class="site-footer"') :]
    assert 'href="/programme"' in footer
    assert 'href="/api/v1/openapi.json"' in footer and "API dữ liệu mở" in footer

    english = page(client, "/?lang=en")
    assert '<a href="/events">Events</a>' in english
    assert '<a href="/programme">Programme</a>' in english


def test_sitemap_lists_published_events_and_gift_sets_with_alternates(client):
    nem = make_product("Nem nướng Liên Chung", price=60_000, stock=9)
    today = today_in_vietnam()
    for slug, published in (("hoi-cho-ocop", True), ("hoi-cho-nhap", False)):
        db.session.add(
            Event(
                slug=slug,
                name_vi="Hội chợ OCOP",
                starts_on=today,
                ends_on=today + timedelta(days=2),
                venue="Quảng trường 3/2",
                is_published=published,
            )
        )
    for slug, active in (("qua-que", True), ("qua-cu", False)):
        gift = GiftSet(slug=slug, name_vi="Quà quê", price=50_000, is_active=active)
        gift.components = [GiftSetComponent(variant_id=nem.variants[0].id, quantity=1)]
        db.session.add(gift)
    db.session.commit()

    xml = client.get("/sitemap.xml").get_data(as_text=True)
    ElementTree.fromstring(xml.encode())
    for path in ("/events/hoi-cho-ocop", "/gift-sets/qua-que", "/events", "/programme"):
        assert f"<loc>http://localhost{path}</loc>" in xml, path
        assert (
            f'<xhtml:link rel="alternate" hreflang="en" href="http://localhost{path}?lang=en"/>'
            in xml
        )
    assert "/events/hoi-cho-nhap" not in xml and "/gift-sets/qua-cu" not in xml


def test_canonical_links_drop_stray_arguments_on_every_page(client):
    for path in ("/events", "/programme", "/orders/track"):
        html = page(client, f"{path}?utm_source=zalo&fbclid=abc&lang=en")
        assert f'<link rel="canonical" href="http://localhost{path}?lang=en">' in html, path
        assert f'hreflang="vi" href="http://localhost{path}">' in html, path
        assert f'<meta property="og:url" content="http://localhost{path}?lang=en">' in html
        head = html[: html.index("</head>")]
        assert "utm_source" not in head and "fbclid" not in head, path


def test_listing_canonical_keeps_its_declared_filters_only(client):
    html = page(client, "/products?stars=5&utm_source=zalo")
    assert '<link rel="canonical" href="http://localhost/products?stars=5">' in html
    assert 'hreflang="en" href="http://localhost/products?lang=en&amp;stars=5">' in html
    assert "utm_source" not in html[: html.index("</head>")]


def test_a_tour_without_a_certificate_in_force_cannot_be_booked(client):
    tour = make_product("Du thuyền sông Thương", product_set=26, price=180_000)
    slot = TourismSlot(
        product_id=tour.id, starts_at=datetime.now(UTC) + timedelta(days=5), capacity=10
    )
    db.session.add(slot)
    db.session.commit()
    assert "Đặt chỗ" in page(client, f"/products/{tour.slug}")

    revoke(tour.certificates[0])
    html = page(client, f"/products/{tour.slug}")
    assert "Còn 10 chỗ" in html and "Đặt chỗ" not in html
    response = client.post("/cart/add-tour", data={"slot_id": slot.id, "quantity": "1"})
    assert response.status_code == 409
    assert client.get("/cart").get_data(as_text=True).count("Du thuyền sông Thương") == 0


def test_a_one_day_event_shows_its_date_once(client):
    day = today_in_vietnam() + timedelta(days=20)
    db.session.add(
        Event(
            slug="livestream",
            name_vi="Ngày bán hàng livestream",
            starts_on=day,
            ends_on=day,
            is_online=True,
            is_published=True,
        )
    )
    db.session.commit()
    shown = day.strftime("%d/%m/%Y")
    for path in ("/events", "/events/livestream"):
        html = page(client, path)
        assert html.count(shown) == 1, path
        assert f"{shown} – " not in html, path


def test_checkout_with_an_empty_cart_says_so_once(client):
    refresh()
    response = client.get("/checkout", follow_redirects=True)
    assert response.request.path == "/cart"
    assert response.get_data(as_text=True).count("Giỏ hàng của bạn đang trống") == 1
