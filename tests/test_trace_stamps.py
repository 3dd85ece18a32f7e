"""Stamp sheets decode back to their URLs; runs render in the background; stamps can be voided."""

import io
import shutil
import subprocess
import time
import zipfile

import pytest
import zxingcpp
from PIL import Image

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.trace import qr
from storefront.trace.models import Stamp, StampRun
from storefront.trace.printing import Label, StampText, render_pdf, render_png, render_svg
from tests.conftest import login, make_user
from tests.trace_helpers import make_batch, make_stamps

URL = "HTTPS://OCOP.EXAMPLE.VN/T/14N9EYBNSTNQNM2R82BN"


def _decode(image: Image.Image) -> set[str]:
    return {r.text for r in zxingcpp.read_barcodes(image)}


def test_an_upper_case_stamp_url_fits_version_3_at_level_m():
    dark = qr.matrix(URL)
    assert dark.shape == (29, 29)  # version 3; the lower-case URL needs version 4 (33)
    assert qr.matrix(URL.lower()).shape[0] > 29


def test_the_qr_is_one_path_of_merged_runs():
    dark = qr.matrix(URL)
    runs = qr.runs(dark)
    assert sum(n for _r, _c, n in runs) == int(dark.sum())
    assert len(runs) < int(dark.sum())  # neighbours merged
    path = qr.svg_path(dark)
    assert path.count("M") == len(runs)


def _stamps(count: int) -> list[StampText]:
    from storefront.trace import codes

    key = codes.derive_key("k")
    result = []
    for number in range(1, count + 1):
        code = codes.new_code(key)
        result.append(StampText(code, f"{number:06d}", f"HTTPS://OCOP.EXAMPLE.VN/T/{code}"))
    return result


LABEL = Label("Vải thiều Lục Ngạn sấy khô – hộp quà đặc biệt", 5)


@pytest.mark.skipif(
    not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed"
)
@pytest.mark.parametrize(("layout", "count", "pages"), [("a4", 32, 2), ("roll", 2, 2)])
def test_pdf_sheets_decode_back_to_every_url(tmp_path, layout, count, pages):
    stamps = _stamps(count)
    pdf = render_pdf(LABEL, stamps, layout)
    assert pdf.startswith(b"%PDF-")
    assert b"DejaVuSans" in pdf  # the Vietnamese-capable font is embedded
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "p")],
        check=True,
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    decoded = set()
    for path in images:
        with Image.open(path) as image:
            decoded |= _decode(image)
    assert decoded == {s.url for s in stamps}


def test_pdf_text_is_selectable_vietnamese(tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "s.pdf").write_bytes(render_pdf(LABEL, _stamps(1), "roll"))
    subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), str(tmp_path / "s.txt")], check=True)
    text = (tmp_path / "s.txt").read_text()
    assert "Vải thiều Lục Ngạn" in text
    assert "OCOP ★★★★★" in text
    assert "#000001" in text


def test_png_and_svg_labels_decode_back_to_their_url():
    stamp = _stamps(1)[0]
    with Image.open(io.BytesIO(render_png(LABEL, stamp))) as image:
        assert _decode(image) == {stamp.url}
    svg = render_svg(LABEL, stamp)
    assert svg.count("<path") == 1 and "<image" not in svg
    assert "Vải thiều Lục Ngạn" in svg and stamp.code[:4] in svg
    # Rasterise the SVG's one path ourselves and decode it.
    dark = qr.matrix(stamp.url)
    scale = 8
    image = Image.new("L", ((dark.shape[0] + 8) * scale,) * 2, 255)
    for r, c, n in qr.runs(dark):
        image.paste(0, ((c + 4) * scale, (r + 4) * scale, (c + 4 + n) * scale, (r + 5) * scale))
    assert _decode(image) == {stamp.url}


def test_cli_issues_a_run_with_pins(app, tmp_path):
    batch = make_batch()
    out = tmp_path / "stamps.pdf"
    result = app.test_cli_runner().invoke(
        args=[
            "stamps",
            "issue",
            "--batch",
            batch.lot_code,
            "--count",
            "5",
            "--out",
            str(out),
            "--pins",
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "5 stamps" in result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "stamps-pins.pdf").exists()
    stamps = db.session.query(Stamp).filter_by(batch_id=batch.id).order_by(Stamp.serial).all()
    assert [s.serial for s in stamps] == ["000001", "000002", "000003", "000004", "000005"]
    assert all(s.pin_hash and len(s.pin_hash) == 64 for s in stamps)


def test_cli_refuses_an_unknown_lot(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["stamps", "issue", "--batch", "NOPE", "--count", "1", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0
    assert "No batch" in result.output


def _wait_until_ready(client, url: str) -> str:
    for _ in range(100):
        page = client.get(url).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the run never finished")


def test_producer_prints_a_run_in_the_background_and_downloads_it(client, app):
    batch = make_batch()
    owner = make_user(Role.PRODUCER, producer=batch.product.producer)
    login(client, owner)
    response = client.post(
        f"/dashboard/batches/{batch.id}/stamp-runs",
        data={"count": "40", "layout": "svg", "with_pin": "y"},
    )
    assert response.status_code == 303
    run_url = response.headers["Location"]
    first = client.get(run_url).get_data(as_text=True)
    assert "Đợt in" in first  # the test's app context keeps the language of its first request
    page = _wait_until_ready(client, run_url)
    run = db.session.query(StampRun).one()
    db.session.refresh(run)
    assert run.status == "ready" and run.progress == 40
    download = client.get(f"/dashboard/stamp-runs/{run.id}/download")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    download.close()
    assert len(archive.namelist()) == 40
    pins = client.get(f"/dashboard/stamp-runs/{run.id}/pins")
    assert pins.data.startswith(b"%PDF-")
    pins.close()
    assert "pins" in page


def test_voiding_a_stamp_and_a_run(client):
    batch = make_batch()
    stamps, _pins = make_stamps(batch, 3)
    owner = make_user(Role.PRODUCER, producer=batch.product.producer)
    login(client, owner)
    run_id = stamps[0].run_id
    response = client.post(f"/dashboard/stamp-runs/{run_id}/void-stamp", data={"serial": "2"})
    assert response.status_code == 302
    voided = client.get(f"/t/{stamps[1].code}")
    assert voided.status_code == 410
    assert "Tem này đã bị hủy" in voided.get_data(as_text=True)
    assert client.get(f"/t/{stamps[0].code}").status_code == 200
    client.post(f"/dashboard/stamp-runs/{run_id}/void", data={"reason": "Lost roll"})
    assert client.get(f"/t/{stamps[0].code}").status_code == 410
    assert (
        client.post(
            f"/dashboard/stamp-runs/{run_id}/void-stamp", data={"serial": "999"}
        ).status_code
        == 404
    )


def test_a_second_run_continues_the_batch_serials():
    batch = make_batch()
    make_stamps(batch, 3)
    second, _ = make_stamps(batch, 2)
    assert [s.serial for s in second] == ["000004", "000005"]
