"""Event, gift set and tourism pages; the office's event pages; producers' answers."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.accounts.models import Role
from storefront.core.clock import as_utc, today_in_vietnam
from storefront.events.models import (
    Booth,
    Event,
    EventDailyVisit,
    EventParticipant,
    GiftSet,
    GiftSetComponent,
    TourismSlot,
)
from storefront.events.services import set_event_prices, set_featured_products
from storefront.extensions import db
from tests.conftest import login, make_producer, make_product, make_user


def make_fair(**values) -> Event:
    today = today_in_vietnam()
    event = Event(
        slug="hoi-cho-ocop",
        name_vi="Hội chợ OCOP Bắc Giang",
        name_en="Bắc Giang OCOP fair",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=2),
        venue="Quảng trường 3/2",
        discount_percent=10,
        is_published=values.pop("is_published", True),
    )
    db.session.add(event)
    db.session.commit()
    return event


def fair_with_booth():
    product = make_product("Nem nướng Liên Chung", price=100_000)
    event = make_fair()
    participant = EventParticipant(producer_id=product.producer_id, status="accepted")
    event.participants.append(participant)
    event.booths.append(Booth(number="B1", producer_id=product.producer_id, x=1, y=1, w=4, h=3))
    db.session.commit()
    set_featured_products(None, participant, [product.id])
    set_event_prices(None, event, 10, [product.id])
    return event, product


def test_public_event_page_shows_booths_plan_and_event_prices(client):
    fair_with_booth()
    html = client.get("/events/hoi-cho-ocop").get_data(as_text=True)
    assert "Hội chợ OCOP Bắc Giang" in html
    assert 'class="floor-plan"' in html and 'id="booth-B1"' in html
    assert "Nem nướng Liên Chung" in html
    assert "90.000" in html  # 10 % off 100.000 ₫
    visits = db.session.scalar(select(EventDailyVisit.visits))
    assert visits == 1
    client.get("/events/hoi-cho-ocop")
    db.session.expire_all()
    assert db.session.scalar(select(EventDailyVisit.visits)) == 2


def test_draft_events_are_hidden_from_the_public(client):
    make_fair(is_published=False)
    assert client.get("/events/hoi-cho-ocop").status_code == 404
    assert client.get("/events/khong-co").status_code == 404


def test_event_poster_is_a_pdf_with_vietnamese_text(client):
    fair_with_booth()
    response = client.get("/events/hoi-cho-ocop/poster.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert b"DejaVuSans" in response.data


def test_tourism_poster_only_for_tourism_products(client):
    make_product("Du lịch sinh thái núi Dành", product_set=26)
    make_product("Vải thiều", product_set=1)
    assert client.get("/tourism/du-lich-sinh-thai-nui-danh/poster.pdf").status_code == 200
    assert client.get("/tourism/vai-thieu/poster.pdf").status_code == 404


def test_gift_set_page_shows_shares_and_stock(client):
    nem = make_product("Nem nướng Liên Chung", price=60_000, stock=9)
    sam = make_product("Sâm nam núi Dành", price=30_000, stock=4)
    gift = GiftSet(slug="qua-que", name_vi="Quà quê Liên Chung", price=80_000)
    gift.components = [
        GiftSetComponent(variant_id=nem.variants[0].id, quantity=1),
        GiftSetComponent(variant_id=sam.variants[0].id, quantity=2),
    ]
    db.session.add(gift)
    db.session.commit()
    html = client.get("/gift-sets/qua-que").get_data(as_text=True)
    assert "Quà quê Liên Chung" in html
    assert "40.000" in html  # 80.000 shared 60:60
    assert "2 " in html  # sets in stock: 4 ginseng // 2
    assert client.get("/gift-sets/nothing").status_code == 404


def test_tourism_slots_include_lists_places_left(app):
    product = make_product("Du thuyền sông Thương", product_set=26)
    soon = datetime.now(UTC) + timedelta(days=3)
    db.session.add_all(
        [
            TourismSlot(product_id=product.id, starts_at=soon, capacity=10, booked=4),
            TourismSlot(
                product_id=product.id, starts_at=soon + timedelta(days=1), capacity=5, booked=5
            ),
        ]
    )
    db.session.commit()
    with app.test_request_context("/"):
        template = app.jinja_env.get_template("events/_tourism_slots.html")
        html = template.render(product=product, sellable=True)
    assert "6" in html and 'class="full"' in html


OFFICE_URLS = [
    "/office/events",
    "/office/events/{id}",
    "/office/events/{id}/report",
]


@pytest.mark.parametrize("url", OFFICE_URLS)
def test_office_pages_need_the_office(client, url):
    event = make_fair()
    url = url.format(id=event.id)
    assert client.get(url).status_code == 302  # to the login page
    login(client, make_user(Role.CUSTOMER))
    assert client.get(url).status_code == 403
    client.post("/logout")
    login(client, make_user(Role.OFFICE))
    assert client.get(url).status_code == 200


def test_office_creates_an_event_invites_and_places_booths(client):
    producer = make_producer("HTX Vân Hương")
    login(client, make_user(Role.OFFICE))
    banner = io.BytesIO()
    Image.new("RGB", (300, 120), (11, 110, 79)).save(banner, "PNG")
    banner.seek(0)
    response = client.post(
        "/office/events",
        data={
            "name_vi": "Tuần hàng OCOP",
            "name_en": "OCOP week",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-05",
            "venue": "Nhà văn hóa",
            "description_vi": "Giới thiệu sản phẩm",
            "description_en": "",
            "is_published": "y",
            "banner": (banner, "banner.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.slug == "tuan-hang-ocop" and event.banner_path
    client.post(f"/office/events/{event.id}/invite", data={"invite-producers": [producer.id]})
    client.post(
        f"/office/events/{event.id}/booths",
        data={
            "booth-number": "A1",
            "booth-producer": producer.id,
            "booth-x": 0,
            "booth-y": 0,
            "booth-w": 3,
            "booth-h": 2,
        },
    )
    overlapping = client.post(
        f"/office/events/{event.id}/booths",
        data={
            "booth-number": "A2",
            "booth-producer": 0,
            "booth-x": 2,
            "booth-y": 1,
            "booth-w": 3,
            "booth-h": 2,
        },
    )
    assert overlapping.status_code == 400
    off_grid = client.post(
        f"/office/events/{event.id}/booths",
        data={
            "booth-number": "A3",
            "booth-producer": 0,
            "booth-x": 23,
            "booth-y": 0,
            "booth-w": 3,
            "booth-h": 2,
        },
        follow_redirects=True,
    )
    assert "mép phải" in off_grid.get_data(as_text=True)
    db.session.expire_all()
    assert [(b.number, b.producer_id) for b in event.booths] == [("A1", producer.id)]
    assert [p.producer_id for p in event.participants] == [producer.id]


def test_event_dates_must_be_in_order(client):
    login(client, make_user(Role.OFFICE))
    response = client.post(
        "/office/events",
        data={
            "name_vi": "Sai ngày",
            "starts_on": "2026-06-05",
            "ends_on": "2026-06-01",
            "venue": "X",
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(select(Event)) is None


def test_producer_accepts_and_picks_only_own_featured_products(client):
    mine = make_product("Rượu làng Vân")
    theirs = make_product("Mỳ gạo Chũ")
    event = make_fair()
    event.participants.append(EventParticipant(producer_id=mine.producer_id))
    db.session.commit()
    staff = make_user(Role.PRODUCER, producer=mine.producer)
    other_staff = make_user(Role.PRODUCER, producer=theirs.producer)
    url = f"/dashboard/events/{event.id}"
    assert client.get(url).status_code == 302
    login(client, other_staff)
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(client, staff)
    assert "Hội chợ OCOP" in client.get("/dashboard/events").get_data(as_text=True)
    client.post(f"{url}/respond", data={"respond-accept": "y"})
    participant = db.session.scalar(select(EventParticipant))
    db.session.refresh(participant)
    assert participant.status == "accepted"
    response = client.post(f"{url}/featured", data={"featured-products": [theirs.id]})
    assert response.status_code == 302
    client.post(f"{url}/featured", data={"featured-products": [mine.id]})
    db.session.refresh(participant)
    assert [f.product_id for f in participant.featured] == [mine.id]


def test_report_counts_visits_and_each_producers_stamp_scans(client):
    from tests.trace_helpers import make_batch, make_stamps

    event, product = fair_with_booth()
    stamps, _pins = make_stamps(make_batch(product), count=2)
    for stamp in stamps:
        client.get(f"/t/{stamp.code}")
    client.get("/events/hoi-cho-ocop")
    login(client, make_user(Role.OFFICE))
    html = client.get(f"/office/events/{event.id}/report?lang=en").get_data(as_text=True)
    row = re.search(r"<td>HTX Nem nướng Liên Chung</td>(.*?)</tr>", html).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:2] == ["2", "0"]
    assert "1</strong>event page visits" in html


def test_producer_opens_and_removes_tourism_dates_for_own_products_only(client):
    tour = make_product("Du lịch núi Dành", product_set=26)
    other = make_product("Du thuyền sông Thương", product_set=26)
    staff = make_user(Role.PRODUCER, producer=tour.producer)
    assert client.get("/dashboard/tourism-slots").status_code == 302
    login(client, make_user(Role.CUSTOMER))
    assert client.get("/dashboard/tourism-slots").status_code == 403
    client.post("/logout")
    login(client, staff)
    form = {"product": tour.id, "day": "2026-07-04", "start": "08:00", "capacity": 20}
    assert client.post("/dashboard/tourism-slots", data=form).status_code == 302
    assert client.post("/dashboard/tourism-slots", data=form).status_code == 409
    refused = client.post("/dashboard/tourism-slots", data={**form, "product": other.id})
    assert refused.status_code == 200  # not one of the choices: the form shows the error
    slot = db.session.scalar(select(TourismSlot))
    assert as_utc(slot.starts_at).hour == 1  # 08:00 in Vietnam
    other_slot = TourismSlot(
        product_id=other.id, starts_at=datetime(2026, 7, 4, 1, tzinfo=UTC), capacity=5
    )
    db.session.add(other_slot)
    db.session.commit()
    assert (
        client.post(f"/dashboard/tourism-slots/{other_slot.id}/remove", data={}).status_code == 404
    )
    slot.booked = 1
    db.session.commit()
    assert client.post(f"/dashboard/tourism-slots/{slot.id}/remove", data={}).status_code == 409
    slot.booked = 0
    db.session.commit()
    assert client.post(f"/dashboard/tourism-slots/{slot.id}/remove", data={}).status_code == 302
    assert db.session.scalar(select(TourismSlot.id).where(TourismSlot.id == slot.id)) is None


def test_office_creates_a_gift_set_from_skus(client):
    nem = make_product("Nem nướng Liên Chung", price=60_000)
    sam = make_product("Sâm nam núi Dành", price=30_000)
    assert client.get("/office/gift-sets").status_code == 302
    login(client, make_user(Role.OFFICE))
    data = {
        "name_vi": "Quà quê Liên Chung",
        "price": 150_000,
        "components": f"{nem.variants[0].sku} × 2\n{sam.variants[0].sku}",
    }
    bad = client.post("/office/gift-sets", data={**data, "components": "NO-SUCH-SKU x 2"})
    assert bad.status_code == 400
    assert client.post("/office/gift-sets", data=data).status_code == 302
    gift = db.session.scalar(select(GiftSet))
    assert gift.slug == "qua-que-lien-chung"
    assert [(c.variant_id, c.quantity) for c in gift.components] == [
        (nem.variants[0].id, 2),
        (sam.variants[0].id, 1),
    ]
    html = client.get("/gift-sets/qua-que-lien-chung").get_data(as_text=True)
    assert "120.000" in html and "30.000" in html  # 150.000 shared 120:30
