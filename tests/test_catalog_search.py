"""Search and place filters against the real demo catalog (the 39 Bắc Giang OCOP products)."""

from __future__ import annotations

import re

from flask_babel import refresh

from storefront.demo.commands import load_all


def total(client, url: str) -> int:
    refresh()
    html = client.get(url).get_data(as_text=True)
    return int(re.search(r'class="result-count"[^>]*>\s*(\d+)', html).group(1))


def names(client, url: str) -> list[str]:
    refresh()  # a fresh locale per request, as a real visitor gets
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r"<h3>(.*?)</h3>", response.get_data(as_text=True))


def test_search_as_vietnamese_users_type_it(client):
    load_all()
    lychee = names(client, "/products?q=vai thieu")
    assert lychee[0] == "Vải thiều Lục Ngạn"
    assert set(lychee) == {"Vải thiều Lục Ngạn", "Vải thiều hữu cơ"}
    assert names(client, "/products?q=Vải Thiều") == lychee
    assert names(client, "/products?q=VAI THIEU") == lychee
    assert names(client, "/products?q=vai thi")[:2] == lychee  # a partial word

    assert names(client, "/products?q=DONG BAC") == ["Điểm du lịch làng văn hóa Đông Bắc"]
    assert names(client, "/products?q=đông bắc") == ["Điểm du lịch làng văn hóa Đông Bắc"]
    assert names(client, "/products?q=dong bac") == ["Điểm du lịch làng văn hóa Đông Bắc"]

    assert set(names(client, "/products?q=ruou lang van")) == {
        "Rượu Nếp cái hoa vàng Làng Vân",
        "Rượu Cúc hoa tửu Làng Vân",
    }
    # Producers' names: HTX Vân Hương makes both liquors.
    assert len(names(client, "/products?q=van huong")) == 2
    # Places: the province as it was, old districts, and the commune as it is now.
    assert total(client, "/products?q=Bắc Giang") == total(client, "/products") >= 30
    assert total(client, "/products?q=bac giang") == total(client, "/products")
    luc_ngan = names(client, "/products?q=Lục Ngạn")
    assert "Vải thiều Lục Ngạn" in luc_ngan and "Rượu men lá Kiên Thành" in luc_ngan
    assert names(client, "/products?q=luc ngan") == luc_ngan
    assert luc_ngan[:2] == ["Vải thiều Lục Ngạn", "Mỳ gạo Lục Ngạn"]  # the name matches first
    assert names(client, "/products?q=Yên Dũng") == ["Dưa kim Hoàng Hậu"]
    assert "Nem nướng Liên Chung" in names(client, "/products?q=phuc hoa")
    # Not sold: the expired and revoked demo products are not found.
    assert names(client, "/products?q=my trai lam") == []
    assert names(client, "/products?q=snack joy") == []


def test_place_filters_on_the_demo_catalog(client):
    load_all()
    luc_ngan = names(client, "/products?place=huyen-luc-ngan&sort=stars")
    # Communes that moved to thị xã Chũ in late 2024 were certified under huyện Lục Ngạn.
    assert "Mỳ gạo Lục Ngạn" in luc_ngan and "Rượu men lá Kiên Thành" in luc_ngan
    assert names(client, "/products?place=Lục Ngạn&sort=stars") == luc_ngan
    assert names(client, "/products?place=Yên Dũng") == ["Dưa kim Hoàng Hậu"]
    phuc_hoa = names(client, "/products?place=xa-phuc-hoa-bac-ninh")
    assert {"Nem nướng Liên Chung", "Vải sớm Phúc Hòa"} <= set(phuc_hoa)
    assert names(client, "/products?place=Phúc Hòa") == phuc_hoa
    five = names(client, "/products?stars=5")
    assert "Vải thiều Lục Ngạn" in five
    refresh()
    html = client.get("/").get_data(as_text=True)
    assert "Vải thiều Lục Ngạn" in html.split('id="five-stars"')[1].split("</section>")[0]
    for slug in ("my-trai-lam", "snack-gao-joy-sot-cay-ngot"):
        refresh()
        page = client.get(f"/products/{slug}").get_data(as_text=True)
        assert "Không thể mua sản phẩm này" in page
    assert "thu hồi" in page and "Không duy trì điều kiện sản xuất" in page
