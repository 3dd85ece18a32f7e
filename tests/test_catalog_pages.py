"""The public catalog: home, listing with every filter and sort, product and producer pages."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import refresh
from sqlalchemy import event

from storefront.catalog.models import Producer, ProducerStatus, Product, Variant
from storefront.catalog.services import add_certificate, refresh_search_text
from storefront.core.clock import today_in_vietnam
from storefront.extensions import db
from storefront.places.models import Place
from tests.conftest import make_producer, make_product, png_bytes, revoke


def names(html: str) -> list[str]:
    """Product names on a listing page, in order."""
    return re.findall(r"<h3>(.*?)</h3>", html)


def count_in(html: str) -> int:
    return int(re.search(r'class="result-count"[^>]*>\s*(\d+)', html).group(1))


def page(client, url: str, status: int = 200) -> str:
    # The test keeps one app context for all its requests, and Flask-Babel caches the locale
    # there; a real visitor gets a fresh context per request.
    refresh()
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def make_places() -> dict[str, Place]:
    """A small slice of the places tables: one 2024 district and commune, and their 2025 unit."""
    province = Place(
        era="legacy",
        level="province",
        code="24",
        name="Tỉnh Bắc Giang",
        short_name="Bắc Giang",
        slug="tinh-bac-giang-2024",
        search_key="tinh bac giang bac giang",
    )
    now_province = Place(
        era="current",
        level="province",
        code="24",
        name="Tỉnh Bắc Ninh",
        short_name="Bắc Ninh",
        slug="tinh-bac-ninh",
        search_key="tinh bac ninh bac ninh",
    )
    db.session.add_all([province, now_province])
    db.session.flush()
    district = Place(
        era="legacy",
        level="district",
        code="216",
        name="Huyện Lục Ngạn",
        short_name="Lục Ngạn",
        slug="huyen-luc-ngan",
        search_key="huyen luc ngan luc ngan",
        parent_id=province.id,
        latitude=21.38,
        longitude=106.6,
    )
    other = Place(
        era="legacy",
        level="district",
        code="220",
        name="Huyện Tân Yên",
        short_name="Tân Yên",
        slug="huyen-tan-yen",
        search_key="huyen tan yen tan yen",
        parent_id=province.id,
        latitude=21.38,
        longitude=106.1,
    )
    now_commune = Place(
        era="current",
        level="commune",
        code="07330",
        name="Xã Phúc Hòa",
        short_name="Phúc Hòa",
        slug="xa-phuc-hoa-bac-ninh",
        search_key="xa phuc hoa phuc hoa",
        parent_id=now_province.id,
        latitude=21.4,
        longitude=106.15,
    )
    db.session.add_all([district, other, now_commune])
    db.session.flush()
    commune = Place(
        era="legacy",
        level="commune",
        code="07331",
        name="Xã Liên Chung",
        short_name="Liên Chung",
        slug="xa-lien-chung-tan-yen-2024",
        search_key="xa lien chung lien chung",
        parent_id=other.id,
        successor_id=now_commune.id,
        latitude=21.41,
        longitude=106.14,
    )
    db.session.add(commune)
    db.session.commit()
    return {"district": district, "other": other, "commune": commune, "now": now_commune}


def place_product(product: Product, legacy: Place, current: Place | None = None) -> None:
    product.legacy_place = legacy
    product.current_place = current
    product.producer.legacy_place = legacy
    product.producer.current_place = current
    refresh_search_text(product)
    db.session.commit()


@pytest.fixture
def shelf():
    """Six sellable products across stars, groups, places, kinds, prices and stock."""
    places = make_places()
    enterprise = make_producer("Công ty TNHH Dược Thảo")
    enterprise.kind = "enterprise"
    lychee = make_product("Vải thiều Lục Ngạn", stars=5, price=250_000, name_en="Lục Ngạn lychee")
    honey = make_product("Mật ong hoa vải", stars=3, price=180_000, product_set=4)
    wine = make_product("Rượu nếp Làng Vân", stars=4, price=1_250_000, product_set=14)
    tea = make_product("Trà hoa cúc", stars=4, price=90_000, product_set=12, stock=0)
    herb = make_product(
        "Đông trùng hạ thảo", stars=4, price=600_000, product_set=18, producer=enterprise
    )
    rolls = make_product("Nem nướng Liên Chung", stars=4, price=60_000, product_set=8)
    place_product(lychee, places["district"])
    place_product(honey, places["district"])
    place_product(rolls, places["commune"], places["now"])
    return {
        "places": places,
        "lychee": lychee,
        "honey": honey,
        "wine": wine,
        "tea": tea,
        "herb": herb,
        "rolls": rolls,
    }


def test_home_explains_ocop_and_shows_highlights_groups_and_places(client, shelf):
    html = page(client, "/")
    assert "Mỗi xã một sản phẩm" in html or "OCOP" in html
    assert "5 sao" in html and "4 sao" in html
    five = html.split('id="five-stars"')[1].split("</section>")[0]
    assert "Vải thiều Lục Ngạn" in five and "Rượu nếp Làng Vân" not in five
    four = html.split('id="four-stars"')[1].split("</section>")[0]
    assert "Rượu nếp Làng Vân" in four
    groups = html.split('id="groups"')[1].split("</section>")[0]
    assert re.search(r"Thực phẩm</span>\s*<span class=\"tile-count\">4 sản phẩm", groups)
    places = html.split('id="places"')[1].split("</section>")[0]
    assert re.search(r"Lục Ngạn</a>\s*<span class=\"count\">2<", places)
    assert "<svg" in places and "<circle" in places
    assert 'role="search"' in html and 'name="q"' in html


def test_home_in_english(client, shelf):
    html = page(client, "/?lang=en")
    assert "Lục Ngạn lychee" in html
    assert "The six product groups" in html


def test_listing_shows_only_sellable_products(client, shelf):
    expired = make_product("Mỳ Trại Lâm", decided=today_in_vietnam() - relativedelta(months=40))
    revoked = make_product("Snack gạo JOY")
    revoke(revoked.certificates[0])
    make_product("Giò gà", listed=False)
    make_product("Chả gà", certified=False)
    suspended = make_product("Xúc xích gà")
    suspended.producer.status = ProducerStatus.SUSPENDED
    future = make_product("Gạo nếp", decided=today_in_vietnam() + timedelta(days=3))
    db.session.commit()
    html = page(client, "/products")
    assert count_in(html) == 6
    for hidden in ("Mỳ Trại Lâm", "Snack gạo JOY", "Giò gà", "Chả gà", "Xúc xích gà", "Gạo nếp"):
        assert hidden not in names(html)
    assert expired.slug and future.slug


def test_default_order_is_most_stars_first(client, shelf):
    listed = names(page(client, "/products"))
    assert listed[0] == "Vải thiều Lục Ngạn"
    assert listed[-1] == "Mật ong hoa vải"


FILTER_CASES = [
    ("stars=5", {"Vải thiều Lục Ngạn"}),
    ("stars=3&stars=5", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("stars=3,5", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("group=drinks", {"Rượu nếp Làng Vân"}),
    (
        "group=food",
        {"Vải thiều Lục Ngạn", "Mật ong hoa vải", "Trà hoa cúc", "Nem nướng Liên Chung"},
    ),
    ("group=herbal", {"Đông trùng hạ thảo"}),
    ("set=14", {"Rượu nếp Làng Vân"}),
    ("group=food&set=12", {"Trà hoa cúc"}),
    ("group=drinks&set=12", set()),
    ("group=food&set=14", set()),
    ("place=huyen-luc-ngan", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("place=Lục Ngạn", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("place=luc ngan", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("place=huyen-tan-yen", {"Nem nướng Liên Chung"}),
    ("place=xa-lien-chung-tan-yen-2024", {"Nem nướng Liên Chung"}),
    ("place=xa-phuc-hoa-bac-ninh", {"Nem nướng Liên Chung"}),
    ("place=Phúc Hòa", {"Nem nướng Liên Chung"}),
    ("producer=cong-ty-tnhh-duoc-thao", {"Đông trùng hạ thảo"}),
    ("kind=enterprise", {"Đông trùng hạ thảo"}),
    ("kind=enterprise&kind=cooperative", None),  # everything
    ("min_price=500000", {"Rượu nếp Làng Vân", "Đông trùng hạ thảo"}),
    ("max_price=100.000", {"Trà hoa cúc", "Nem nướng Liên Chung"}),
    ("min_price=100000&max_price=300000", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("min_price=300000&max_price=100000", {"Vải thiều Lục Ngạn", "Mật ong hoa vải"}),
    ("in_stock=1", "all-but-tea"),
    ("stars=4&group=drinks&in_stock=1", {"Rượu nếp Làng Vân"}),
    ("stars=4&kind=cooperative&max_price=100000", {"Trà hoa cúc", "Nem nướng Liên Chung"}),
    ("q=vai&stars=5", {"Vải thiều Lục Ngạn"}),
    ("q=vai&stars=3", {"Mật ong hoa vải"}),
]


def test_every_filter_and_combination(client, shelf):
    """One shelf, every case: each filter alone and combined (None means everything)."""
    everything = {p.name_vi for p in db.session.query(Product)}
    for query, expected in FILTER_CASES:
        if expected is None:
            expected = everything
        elif expected == "all-but-tea":
            expected = everything - {"Trà hoa cúc"}
        html = page(client, f"/products?{query}")
        assert set(names(html)) == expected, query
        assert count_in(html) == len(expected), query


def test_facet_counts_ignore_their_own_filter(client, shelf):
    html = page(client, "/products?stars=5")
    form = html.split('class="filter-form"')[1]
    # Star counts are those of every star level, so the visitor can widen the choice...
    pattern = r'name="stars" value="(\d)"\s*(checked)?\s*>.*?class="count">(\d+)<'
    stars = re.findall(pattern, form, re.S)
    assert stars == [("5", "checked", "1"), ("4", "", "4"), ("3", "", "1")]
    # ...while other facets count within 5 stars.
    assert re.search(r'value="food"[^>]*>.*?class="count">1<', form, re.S)
    assert 'value="drinks"' not in form
    assert re.search(r"Lục Ngạn \(1\)", form)


def test_place_facet_lists_old_districts_and_current_communes(client, shelf):
    form = page(client, "/products").split('class="filter-form"')[1]
    districts = form.split("optgroup")[1]
    communes = form.split("optgroup")[3]
    assert "Lục Ngạn (2)" in districts and "Tân Yên (1)" in districts
    assert "Xã Phúc Hòa (1)" in communes


def test_price_and_stock_facets_count(client, shelf):
    form = page(client, "/products").split('class="filter-form"')[1]
    bands = re.findall(r'class="count">(\d+)</span></li>', form.split('class="bands"')[1])
    assert bands == ["2", "2", "1", "1"]
    assert re.search(r'name="in_stock".*?class="count">5<', form, re.S)


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("price_asc", "Nem nướng Liên Chung", "Rượu nếp Làng Vân"),
        ("price_desc", "Rượu nếp Làng Vân", "Nem nướng Liên Chung"),
        ("newest", "Nem nướng Liên Chung", "Vải thiều Lục Ngạn"),
        ("stars", "Vải thiều Lục Ngạn", "Mật ong hoa vải"),
    ],
)
def test_sorting(client, shelf, sort, first, last):
    listed = names(page(client, f"/products?sort={sort}"))
    assert listed[0] == first
    assert listed[-1] == last


def test_relevance_puts_name_matches_first(client, shelf):
    make_product("Bánh vải", stars=3)  # "vải" in the name
    producer = make_producer("HTX Vải Thanh Hà")
    make_product("Mứt gừng", producer=producer, stars=5)  # "vải" only in the producer's name
    listed = names(page(client, "/products?q=vai"))
    assert listed.index("Mứt gừng") == len(listed) - 1
    assert listed[0] == "Vải thiều Lục Ngạn"  # the whole word at the start of the name


def test_pagination(client, shelf):
    producer = make_producer("HTX Nhiều Hàng")
    for n in range(20):
        make_product(f"Gạo số {n:02d}", producer=producer, stars=3, price=10_000 + n)
    html = page(client, "/products?sort=price_asc")
    assert count_in(html) == 26 and len(names(html)) == 24
    assert "trang 1/2" in html or "trang 1 / 2" in html or "1 trên 2" in html or "1 / 2" in html
    assert 'rel="next" href="/products?sort=price_asc&amp;page=2"' in html
    second = page(client, "/products?sort=price_asc&page=2")
    assert len(names(second)) == 2
    assert names(second)[-1] == "Rượu nếp Làng Vân"
    assert 'rel="prev" href="/products?sort=price_asc"' in second


def test_page_past_the_end_is_a_clear_404(client, shelf):
    html = page(client, "/products?stars=4&page=3", 404)
    assert "chỉ có 1 trang" in html
    assert 'href="/products?stars=4"' in html
    english = page(client, "/products?page=9&lang=en", 404)
    assert "This list has only 1 page." in english


MALFORMED = [
    "stars=abc",
    "stars=9",
    "stars=",
    "group=nothing",
    "set=99",
    "set=-1",
    "set=abc",
    "place=atlantis",
    "place=%25",
    "producer=nobody",
    "kind=alien",
    "min_price=-5",
    "min_price=abc",
    "max_price=1e99",
    "max_price=99999999999999999999",
    "in_stock=maybe",
    "sort=drop table",
    "page=0",
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "stars=5&stars=%00",
    "lang=xx",
]


def test_malformed_filters_are_ignored_and_named(client, shelf):
    for query in MALFORMED:
        html = page(client, f"/products?{query}")
        assert count_in(html) >= 1, query
        key = query.split("=")[0]
        if key != "lang" and query != "stars=":
            assert "không hiểu" in html and f"{key}=" in html, query


HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE products; --",
    '"><script>alert(1)</script>',
    "%",
    "_",
    "\\",
    "100%_\\%",
    "🍯🍯",
    "vải 🍯",
    "x" * 10_000,
    "vai " * 3000,
    "\x00",
]


def test_hostile_searches_are_safe(client, shelf):
    for q in HOSTILE:
        refresh()
        response = client.get("/products", query_string={"q": q})
        assert response.status_code == 200, q
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert count_in(html) in (0, 6) or "v" in q, q
    assert db.session.query(Product).count() == 6
    assert "&lt;script&gt;" in page(client, "/products?q=%3Cscript%3E")


def test_like_wildcards_match_literally(client, shelf):
    make_product("Bánh a_c đặc biệt")
    make_product("Bánh abc")
    assert names(page(client, "/products?q=a_c")) == ["Bánh a_c đặc biệt"]
    assert names(page(client, "/products?q=%25")) != []  # no letters: everything, with a notice
    html = page(client, "/products?q=%25%25")
    assert "không có chữ" in html


def test_search_folds_accents_d_and_case(client, shelf):
    for q in ("vải thiều", "VAI THIEU", "vai thieu", "Vai Thie", "thieu"):
        assert names(page(client, f"/products?q={q}")) == ["Vải thiều Lục Ngạn"], q
    for q in ("dong trung", "ĐÔNG TRÙNG", "đông trùng"):
        assert names(page(client, f"/products?q={q}")) == ["Đông trùng hạ thảo"], q


def test_search_finds_producer_and_place_names(client, shelf):
    assert names(page(client, "/products?q=duoc thao")) == ["Đông trùng hạ thảo"]
    assert set(names(page(client, "/products?q=luc ngan"))) == {
        "Vải thiều Lục Ngạn",
        "Mật ong hoa vải",
    }
    assert names(page(client, "/products?q=phuc hoa")) == ["Nem nướng Liên Chung"]
    assert names(page(client, "/products?q=lychee")) == ["Vải thiều Lục Ngạn"]


def test_active_filters_can_be_removed_one_by_one(client, shelf):
    html = page(client, "/products?stars=4&group=drinks")
    chips = html.split('class="chips"')[1].split("</ul>")[0]
    assert 'href="/products?group=drinks"' in chips  # removes the star filter
    assert 'href="/products?stars=4"' in chips  # removes the group filter


def test_listing_canonical_and_alternates_use_the_cleaned_query(client, shelf):
    html = page(client, "/products?stars=5&stars=junk&utm_source=x")
    assert '<link rel="canonical" href="http://localhost/products?stars=5">' in html
    assert 'hreflang="en" href="http://localhost/products?lang=en&amp;stars=5"' in html


def test_product_page(client, shelf):
    lychee = shelf["lychee"]
    lychee.variants[0].price = 1_250_000
    lychee.variants[0].gtin = "08930000000019"
    lychee.description_vi = "Vải thiều ngọt </script><script>alert(1)</script>"
    db.session.commit()
    html = page(client, "/products/vai-thieu-luc-ngan")
    assert "1.250.000 ₫" in html
    assert 'aria-label="OCOP 5 sao"' in html or "5 sao" in html
    certificate = lychee.certificates[0]
    assert certificate.decision_number in html
    assert "UBND tỉnh Bắc Giang" in html
    assert certificate.valid_until.strftime("%d/%m/%Y") in html
    assert "Còn hiệu lực" in html
    assert "Huyện Lục Ngạn" in html
    assert 'href="/producers/htx-vai-thieu-luc-ngan"' in html
    assert "<script>alert(1)</script>" not in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert ld["@type"] == "Product" and ld["name"] == "Vải thiều Lục Ngạn"
    assert ld["offers"]["lowPrice"] == 1_250_000 and ld["offers"]["priceCurrency"] == "VND"
    assert ld["offers"]["availability"] == "https://schema.org/InStock"
    assert ld["description"].endswith("</script><script>alert(1)</script>")
    assert '<meta property="og:image" content="http://localhost/media/' not in html  # no photo
    assert '<link rel="canonical" href="http://localhost/products/vai-thieu-luc-ngan">' in html
    assert 'hreflang="en" href="http://localhost/products/vai-thieu-luc-ngan?lang=en"' in html
    related = html.split('id="related"')[1]
    assert "Mật ong hoa vải" in related or "Nem nướng Liên Chung" in related


def test_product_page_with_a_photo_has_an_open_graph_image(client, shelf):
    from storefront.catalog.images import store_image
    from storefront.catalog.models import ProductImage

    stored = store_image(png_bytes((800, 600), (11, 110, 79)))
    db.session.add(
        ProductImage(
            product=shelf["tea"],
            path=stored.path,
            thumb_path=stored.thumb_path,
            width=stored.width,
            height=stored.height,
            alt_vi="Ảnh trà",
            alt_en="Tea",
        )
    )
    db.session.commit()
    html = page(client, "/products/tra-hoa-cuc")
    assert f'<meta property="og:image" content="http://localhost/media/{stored.path}">' in html
    assert 'alt="Ảnh trà"' in html
    assert "Hết hàng" in html  # out of stock
    response = client.get(f"/media/{stored.path}")
    assert response.status_code == 200
    response.close()


def test_canonical_urls_drop_stray_query_arguments(client, shelf):
    html = page(client, "/products/vai-thieu-luc-ngan?utm_source=zalo&lang=en")
    assert (
        '<link rel="canonical" href="http://localhost/products/vai-thieu-luc-ngan?lang=en">' in html
    )
    assert 'hreflang="vi" href="http://localhost/products/vai-thieu-luc-ngan"' in html
    slug = shelf["herb"].producer.slug
    html = page(client, f"/producers/{slug}?ref=x&lang=vi")
    assert f'<link rel="canonical" href="http://localhost/producers/{slug}">' in html
    assert '<link rel="canonical" href="http://localhost/">' in page(client, "/?fbclid=1&lang=vi")


def test_product_page_in_english(client, shelf):
    shelf["wine"].variants[0].label_en = "750 ml bottle"
    db.session.commit()
    html = page(client, "/products/ruou-nep-lang-van?lang=en")
    assert "₫1,250,000" in html and "750 ml bottle" in html
    assert "Valid until" in html and "OCOP certificate" in html
    assert '<html lang="en">' in html


@pytest.mark.parametrize("case", ["expired", "revoked", "suspended", "unlisted", "uncertified"])
def test_unsellable_product_page_says_why(client, case):
    decided = date(2020, 3, 10) if case == "expired" else None
    product = make_product("Mỳ Trại Lâm", decided=decided, certified=case != "uncertified")
    if case == "revoked":
        revoke(product.certificates[0], "Không duy trì điều kiện sản xuất")
    if case == "suspended":
        product.producer.status = ProducerStatus.SUSPENDED
    if case == "unlisted":
        product.is_listed = False
    db.session.commit()
    html = page(client, "/products/my-trai-lam")
    assert "Không thể mua sản phẩm này" in html
    message = {
        "expired": "hết hiệu lực ngày 09/03/2023",
        "revoked": (
            f"bị thu hồi ngày {today_in_vietnam():%d/%m/%Y} vì: Không duy trì điều kiện sản xuất"
        ),
        "suspended": "Văn phòng OCOP tạm ngừng",
        "unlisted": "tạm ngừng bán",
        "uncertified": "không có chứng nhận OCOP",
    }[case]
    assert message in html
    assert 'class="stars stars-lg"' not in html  # the stars are not shown as current
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert "offers" not in ld
    if case in ("expired", "revoked"):
        assert "Từng đạt OCOP 4 sao" in html
    english = page(client, "/products/my-trai-lam?lang=en")
    assert "This product cannot be bought now." in english
    if case == "expired":
        assert "expired on 09/03/2023" in english


def test_product_page_gives_the_cart_what_it_needs(app, client, shelf):
    """The cart's template is included with product, certificate, sellable and today in scope."""
    from jinja2 import ChoiceLoader, DictLoader

    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "cart/_add_form.html": "CART:{{ product.slug }}|{{ certificate.stars }}"
                    "|{{ sellable }}|{{ today.isoformat() }}"
                }
            ),
            app.jinja_env.loader,
        ]
    )
    try:
        app.jinja_env.cache.clear()
        html = page(client, "/products/vai-thieu-luc-ngan")
    finally:
        app.jinja_env.loader = original
        app.jinja_env.cache.clear()
    assert f"CART:vai-thieu-luc-ngan|5|True|{today_in_vietnam().isoformat()}" in html


def test_unknown_product_and_producer_are_404(client):
    assert page(client, "/products/nothing-here", 404)
    assert "Không tìm thấy trang" in page(client, "/producers/nobody", 404)
    assert client.get("/products/" + "x" * 5000).status_code == 404


def test_producer_page(client, shelf):
    producer = shelf["lychee"].producer
    producer.story_vi = "Chúng tôi trồng vải từ năm 1990."
    producer.story_en = "We have grown lychee since 1990."
    producer.phone = "0912345678"
    producer.contact_is_example = True
    expired = make_product("Vải sấy khô", producer=producer, decided=date(2019, 1, 1))
    db.session.commit()
    html = page(client, f"/producers/{producer.slug}")
    assert producer.name in html and "Chúng tôi trồng vải từ năm 1990." in html
    assert "Hợp tác xã" in html
    assert "Huyện Lục Ngạn" in html
    assert "ví dụ" in html  # contact details marked as examples
    on_sale = html.split('id="its-products"')[1].split("</section>")[0]
    assert "Vải thiều Lục Ngạn" in on_sale and expired.name_vi not in on_sale
    off_sale = html.split('id="off-sale"')[1]
    assert "Vải sấy khô" in off_sale and "hết hiệu lực" in off_sale
    english = page(client, f"/producers/{producer.slug}?lang=en")
    assert "We have grown lychee since 1990." in english and "Cooperative" in english


def test_suspended_producer_page_stays_reachable(client, shelf):
    producer = shelf["herb"].producer
    producer.status = ProducerStatus.SUSPENDED
    producer.suspended_reason = "Đang kiểm tra hồ sơ"
    db.session.commit()
    html = page(client, f"/producers/{producer.slug}")
    assert "tạm ngừng" in html and "Đang kiểm tra hồ sơ" in html


def test_sitemap_lists_sellable_products_and_producers_with_alternates(client, shelf):
    revoke(shelf["honey"].certificates[0])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert "<loc>http://localhost/products/vai-thieu-luc-ngan</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="en" '
        'href="http://localhost/products/vai-thieu-luc-ngan?lang=en"/>' in xml
    )
    assert "/products/mat-ong-hoa-vai<" not in xml
    assert f"<loc>http://localhost/producers/{shelf['herb'].producer.slug}</loc>" in xml
    from xml.etree import ElementTree

    ElementTree.fromstring(xml.encode())


def bulk_products(start: int, count: int) -> None:
    """Sellable products numbered from ``start``, over five producers, in one transaction."""
    producers = db.session.query(Producer).order_by(Producer.id).all()
    if not producers:
        producers = [
            Producer(slug=f"htx-{n}", name=f"HTX số {n}", kind="cooperative") for n in range(5)
        ]
        db.session.add_all(producers)
    for n in range(start, start + count):
        product = Product(
            slug=f"san-pham-{n}",
            producer=producers[n % 5],
            product_set=1 + n % 26,
            name_vi=f"Sản phẩm {n}",
            search_text=f"san pham {n}",
        )
        product.variants.append(Variant(sku=f"SP-{n}", label_vi="Gói", price=1000 + n, stock=n % 3))
        add_certificate(
            product,
            stars=3 + n % 3,
            level="province",
            issuing_body="UBND tỉnh Bắc Giang",
            decision_number=f"{n}/QĐ-UBND",
            decision_date=today_in_vietnam() - timedelta(days=30 + n),
        )
        db.session.add(product)
    db.session.commit()


def count_queries(client, url: str) -> int:
    """SQL statements the page issues, counted by a SQLAlchemy event listener."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize(
    "url",
    ["/products", "/products?stars=4&in_stock=1&sort=price_desc", "/products?q=san+pham", "/"],
)
def test_listing_queries_do_not_grow_with_the_catalog(client, url):
    make_places()
    bulk_products(0, 10)
    few = count_queries(client, url)
    bulk_products(10, 190)
    many = count_queries(client, url)
    assert db.session.query(Product).count() == 200
    assert few == many, (few, many)
