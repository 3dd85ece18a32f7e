"""Demo events, gift sets and the Liên Chung tourism pilot (Núi Dành and the Thương river)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

from PIL import ImageFont
from sqlalchemy import select

from ..catalog.images import store_image
from ..catalog.models import Producer, Product, Variant
from ..catalog.product_sets import TOURISM_SET
from ..catalog.services import refresh_search_text
from ..core.clock import LOCAL_TZ, today_in_vietnam, utcnow
from ..core.fonts import font_file
from ..events.models import (
    Booth,
    Event,
    EventDailyVisit,
    EventParticipant,
    EventPrice,
    FeaturedProduct,
    GiftSet,
    GiftSetComponent,
    ParticipationStatus,
    TourismSlot,
)
from ..extensions import db
from ..places.services import resolve_legacy_address
from ..text import slugify, wrap_words
from .pictures import gradient

PILOT_PRODUCER = "htx-sx-tt-sam-nam-nui-danh"
PILOT_NOTE_VI = (
    " Sản phẩm du lịch thí điểm theo Kế hoạch OCOP 2024 của tỉnh Bắc Giang tại xã Liên Chung; "
    "chưa được đánh giá, phân hạng OCOP. (Lịch và giá là dữ liệu minh họa.)"
)
PILOT_NOTE_EN = (
    " A tourism product piloted under Bắc Giang's 2024 OCOP plan in Liên Chung commune; not yet "
    "evaluated for OCOP stars. (Dates and prices are examples.)"
)
PILOT_PRODUCTS = [
    (
        "Du lịch sinh thái núi Dành – Liên Chung",
        "Núi Dành eco-tourism, Liên Chung",
        "Một ngày trên núi Dành: đi bộ qua đồi sâm nam, thăm vườn dược liệu của hợp tác xã, "
        "nghe chuyện núi Dành và thưởng thức bữa trưa quê với nem nướng Liên Chung.",
        "A day on Núi Dành: walk the southern ginseng hills, visit the cooperative's herb garden, "
        "hear the mountain's stories and share a country lunch with Liên Chung grilled nem.",
        "Vé tour trong ngày (1 người)",
        "Day tour ticket (1 person)",
        350_000,
        [(8, 20), (13, 12)],
    ),
    (
        "Du thuyền sông Thương – Liên Chung",
        "Thương river boat trip, Liên Chung",
        "Đi thuyền trên sông Thương qua bãi bồi và làng quê Liên Chung lúc chiều muộn, nghe hát "
        "quan họ và ngắm hoàng hôn trên sông.",
        "A late-afternoon boat trip on the Thương river past Liên Chung's sandbanks and villages, "
        "with quan họ folk songs and the sunset over the water.",
        "Vé thuyền (1 người)",
        "Boat ticket (1 person)",
        180_000,
        [(16, 10)],
    ),
]

GIFT_SETS = [
    (
        "Quà quê Liên Chung – Núi Dành",
        "Liên Chung and Núi Dành country gift",
        "Núi Dành là ngọn núi gắn với truyền thuyết và đời sống của người Liên Chung bên dòng "
        "sông Thương. Hộp quà gom nem nướng làng Liên Chung với sâm nam và nụ hoa sâm nam núi Dành "
        "của hai hợp tác xã trong xã.",
        "Núi Dành is the mountain of Liên Chung's legends and daily life beside the Thương river. "
        "This box brings together Liên Chung's grilled nem and the southern ginseng and its flower "
        "buds from Núi Dành, made by two of the commune's cooperatives.",
        ["Nem nướng Liên Chung", "Sâm nam núi Dành khô", "Nụ hoa sâm nam núi Dành khô"],
        ((120, 40, 30), (200, 150, 60)),
    ),
    (
        "Hương vị Lục Ngạn",
        "Flavours of Lục Ngạn",
        "Lục Ngạn nổi tiếng với vải thiều từ thế kỷ trước; hộp quà có mật ong hoa vải và mỳ gạo "
        "Chũ, hai đặc sản gắn với mùa vải và nghề làm mỳ truyền thống của thị trấn Chũ.",
        "Lục Ngạn has been famous for its lychees for a century; this box holds lychee-flower "
        "honey and Chũ rice noodles, two specialities tied to the lychee season and Chũ's "
        "traditional noodle making.",
        ["Mật ong hoa vải Hằng Hiếu", "Mỳ gạo Chũ Xuân Trường", "Mỳ gạo Lục Ngạn"],
        ((11, 110, 79), (183, 121, 31)),
    ),
]


def load_programme(today: date | None = None) -> None:
    """Add the demo tourism pilot, gift sets and events that do not exist yet; idempotent."""
    today = today or today_in_vietnam()
    _pilot(today)
    _tourism_slots(today)
    _gift_sets()
    _events(today)
    db.session.commit()


def _product(name_vi: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.slug == slugify(name_vi)))


def _pilot(today: date) -> None:
    producer = db.session.scalar(select(Producer).where(Producer.slug == PILOT_PRODUCER))
    if producer is None:
        return
    address = resolve_legacy_address("Tân Yên", "Liên Chung")
    for index, (name_vi, name_en, desc_vi, desc_en, label_vi, label_en, price, _times) in enumerate(
        PILOT_PRODUCTS, start=1
    ):
        if _product(name_vi) is not None:
            continue
        product = Product(
            slug=slugify(name_vi),
            producer=producer,
            product_set=TOURISM_SET,
            name_vi=name_vi,
            name_en=name_en,
            description_vi=desc_vi + PILOT_NOTE_VI,
            description_en=desc_en + PILOT_NOTE_EN,
            address_as_written=address.as_written,
            legacy_place=address.legacy,
            current_place=address.current,
        )
        db.session.add(product)
        db.session.flush()
        db.session.add(
            Variant(
                product=product,
                sku=f"LC-TOUR-{index}",
                label_vi=label_vi,
                label_en=label_en,
                price=price,
                stock=0,
            )
        )
        db.session.flush()
        refresh_search_text(product)


def _tourism_slots(today: date) -> None:
    plans = [(name_vi, times) for name_vi, *_rest, times in PILOT_PRODUCTS]
    plans += [
        ("Điểm du lịch làng văn hóa Đông Bắc", [(9, 30)]),
        ("Điểm du lịch sinh thái Bầu Tiên", [(8, 40)]),
    ]
    for name_vi, times in plans:
        product = _product(name_vi)
        if product is None:
            continue
        known = set(
            db.session.scalars(
                select(TourismSlot.starts_at).where(TourismSlot.product_id == product.id)
            )
        )
        known = {k.astimezone(UTC) if k.tzinfo else k.replace(tzinfo=UTC) for k in known}
        first_saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        for offset in range(1, 22):
            day = today + timedelta(days=offset)
            if day.weekday() not in (5, 6):  # weekends only
                continue
            for hour, capacity in times:
                starts_at = datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)
                if starts_at in known:
                    continue
                # The coming weekend is already fully booked, so the demo shows both states.
                booked = capacity if day <= first_saturday + timedelta(days=1) else 0
                db.session.add(
                    TourismSlot(
                        product_id=product.id, starts_at=starts_at, capacity=capacity, booked=booked
                    )
                )


def _gift_sets() -> None:
    for name_vi, name_en, story_vi, story_en, product_names, colours in GIFT_SETS:
        slug = slugify(name_vi)
        if db.session.scalar(select(GiftSet.id).where(GiftSet.slug == slug)) is not None:
            continue
        variants = []
        for name in product_names:
            product = _product(name)
            if product is not None and product.variants:
                variants.append(product.variants[0])
        if len(variants) < 2:
            continue
        full = sum(v.price for v in variants)
        photo = store_image(_picture(name_vi, colours))
        gift_set = GiftSet(
            slug=slug,
            name_vi=name_vi,
            name_en=name_en,
            story_vi=story_vi,
            story_en=story_en,
            price=full * 90 // 100 // 1000 * 1000,
            photo_path=photo.path,
            photo_thumb_path=photo.thumb_path,
        )
        gift_set.components = [GiftSetComponent(variant_id=v.id, quantity=1) for v in variants]
        db.session.add(gift_set)


def _picture(title: str, colours) -> bytes:
    width, height = 800, 500
    image, draw = gradient(width, height, colours)
    bold = ImageFont.truetype(font_file(bold=True), 48)
    small = ImageFont.truetype(font_file(), 28)
    draw.text((50, 60), "Gói quà tặng OCOP", font=small, fill=(255, 226, 120))
    for index, text in enumerate(
        wrap_words(title, width - 100, lambda t: draw.textlength(t, font=bold))
    ):
        draw.text((50, 170 + 64 * index), text, font=bold, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _events(today: date) -> None:
    fair_slug = "hoi-cho-ocop-va-nong-san-bac-giang"
    if db.session.scalar(select(Event.id).where(Event.slug == fair_slug)) is not None:
        return
    fair = Event(
        slug=fair_slug,
        name_vi="Hội chợ OCOP và nông sản Bắc Giang",
        name_en="Bắc Giang OCOP and farm produce fair",
        description_vi=(
            "Các chủ thể OCOP của Bắc Giang giới thiệu và bán sản phẩm 3–5 sao: vải thiều, mỳ Chũ, "
            "rượu làng Vân, nem nướng Liên Chung, sâm nam núi Dành… Mua tại gian hàng hoặc đặt "
            "online và nhận hàng tại gian. (Địa điểm và lịch là dữ liệu minh họa.)"
        ),
        description_en=(
            "Bắc Giang's OCOP producers show and sell their 3 to 5-star products: lychees, Chũ "
            "noodles, Vân village spirits, Liên Chung grilled nem, Núi Dành ginseng… Buy at the "
            "booths, or order online and collect at the booth. (Venue and dates are examples.)"
        ),
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=4),
        venue="Quảng trường 3/2, phường Bắc Giang, tỉnh Bắc Ninh",
        discount_percent=10,
        is_published=True,
    )
    db.session.add(fair)
    booths = [
        ("A1", "Vải thiều Lục Ngạn", 1, 1, 4, 3),
        ("A2", "Mỳ gạo Lục Ngạn", 6, 1, 4, 3),
        ("A3", "Rượu Nếp cái hoa vàng Làng Vân", 11, 1, 4, 3),
        ("A4", "Chả gà", 16, 1, 4, 3),
        ("B1", "Nem nướng Liên Chung", 1, 6, 4, 3),
        ("B2", "Sâm nam núi Dành khô", 6, 6, 4, 3),
        ("B3", "Chè xanh Bản Ven", 11, 6, 4, 3),
        ("B4", None, 16, 6, 4, 3),
        ("C1", "Gạo nếp cái hoa vàng Thái Sơn", 1, 11, 6, 4),
        ("C2", "Điểm du lịch làng văn hóa Đông Bắc", 8, 11, 6, 4),
    ]
    for number, product_name, x, y, w, h in booths:
        product = _product(product_name) if product_name else None
        booth = Booth(number=number, x=x, y=y, w=w, h=h)
        if product is not None:
            booth.producer_id = product.producer_id
            participant = next(
                (p for p in fair.participants if p.producer_id == product.producer_id), None
            )
            if participant is None:
                participant = EventParticipant(
                    producer_id=product.producer_id,
                    status=ParticipationStatus.ACCEPTED,
                    responded_at=utcnow(),
                )
                fair.participants.append(participant)
            participant.featured.append(FeaturedProduct(product_id=product.id))
            fair.prices.append(EventPrice(product_id=product.id))
        fair.booths.append(booth)
    invited = _product("Vú sữa Tân Yên")
    if invited is not None:
        fair.participants.append(EventParticipant(producer_id=invited.producer_id))
    db.session.flush()
    for back in range(0, 2):
        db.session.add(
            EventDailyVisit(
                event_id=fair.id, day=today - timedelta(days=back), visits=120 - 40 * back
            )
        )
    db.session.add(
        Event(
            slug="ngay-ban-hang-livestream-vai-thieu",
            name_vi="Ngày bán hàng livestream vải thiều",
            name_en="Lychee livestream sales day",
            description_vi=(
                "Các hợp tác xã vải thiều bán hàng trực tiếp qua livestream. (Dữ liệu minh họa.)"
            ),
            description_en="Lychee cooperatives sell live over a livestream. (Example data.)",
            starts_on=today + timedelta(days=20),
            ends_on=today + timedelta(days=20),
            is_online=True,
            online_url="https://example.vn/livestream",
            is_published=True,
        )
    )
