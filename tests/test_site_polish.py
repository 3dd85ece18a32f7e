"""Site-wide glue between the features: navigation, footer, sitemap and canonical links."""

from __future__ import annotations

from flask_babel import refresh


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
