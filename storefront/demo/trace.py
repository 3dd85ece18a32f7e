"""Demo traceability: growing areas, batches with timelines, and a stamp run to scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

import click
from sqlalchemy import select

from ..catalog.models import Product
from ..core.clock import today_in_vietnam
from ..extensions import db
from ..places.services import resolve_legacy_address
from ..trace.models import AreaStandard, Batch, GrowingArea, Stamp, StampRun, TraceEvent
from ..trace.records import KINDS
from ..trace.services import complete_run

VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class AreaSeed:
    code: str
    market: str
    crop_vi: str
    crop_en: str
    variety: str
    hectares_x100: int
    owner: str
    households: int
    district: str
    commune: str
    point: tuple[float, float]
    standards: tuple[tuple[str, str, str], ...] = ()  # (scheme, number, issued_by)


@dataclass(frozen=True)
class EventSeed:
    kind: str  # harvest, processing, inspecting, packing, shipping, receiving
    days_after: int
    hour: int
    place: str
    who: str
    note: str
    inputs: str = ""


@dataclass(frozen=True)
class BatchSeed:
    product_slug: str
    lot: str
    days_ago: int
    shelf_days: int | None
    quantity: int
    areas: tuple[str, ...]
    events: tuple[EventSeed, ...] = field(default=())
    stamps: int = 0


# Growing-area codes and certificate numbers are invented examples written in the issued forms
# (domestic codes after Decision 3156/QĐ-BNN-TT; export codes are issued per market).
AREAS = {
    "hong-xuan": [
        AreaSeed(
            "VN-BGLN-0127-US",
            "US",
            "Vải thiều",
            "Lychee",
            "Thanh Hà",
            3250,
            "HTX SX & KD dịch vụ tổng hợp Hồng Xuân",
            41,
            "Lục Ngạn",
            "Phượng Sơn",
            (106.5521, 21.3668),
            (
                ("globalgap", "4063061910233", "Control Union Việt Nam"),
                ("vietgap", "VietGAP-TT-21-05-24-0127", "Trung tâm Chứng nhận Phù hợp Quacert"),
            ),
        ),
        AreaSeed(
            "VN-BGLN-0311-JP",
            "JP",
            "Vải thiều",
            "Lychee",
            "Thanh Hà",
            1875,
            "Tổ hợp tác vải thiều Phượng Sơn",
            23,
            "Lục Ngạn",
            "Phượng Sơn",
            (106.5602, 21.3711),
            (("vietgap", "VietGAP-TT-21-05-24-0311", "Trung tâm Chứng nhận Phù hợp Quacert"),),
        ),
        AreaSeed(
            "VN-24-197-06580-012-25",
            "domestic",
            "Vải thiều",
            "Lychee",
            "Lai Phúc Hòa",
            1240,
            "HTX SX & KD dịch vụ tổng hợp Hồng Xuân",
            18,
            "Lục Ngạn",
            "Hồng Giang",
            (106.5873, 21.3912),
            (("vietgap", "VietGAP-TT-21-04-25-0612", "Trung tâm Chứng nhận Phù hợp Quacert"),),
        ),
    ],
    "thai-son": [
        AreaSeed(
            "VN-24-222-07510-004-24",
            "domestic",
            "Lúa nếp cái hoa vàng",
            "Yellow-flower glutinous rice",
            "Nếp cái hoa vàng",
            4560,
            "HTX Nông nghiệp Thái Sơn",
            96,
            "Hiệp Hòa",
            "Thái Sơn",
            (105.9701, 21.3362),
            (("organic", "TCVN11041-2-0457", "Trung tâm Chứng nhận Phù hợp Quacert"),),
        ),
    ],
}

BATCHES = [
    BatchSeed(
        "vai-thieu-luc-ngan",
        "VT26-0612A",
        12,
        25,
        4800,
        ("VN-BGLN-0127-US", "VN-24-197-06580-012-25"),
        (
            EventSeed(
                "harvest",
                0,
                5,
                "Vùng trồng Phượng Sơn, Lục Ngạn",
                "Tổ thu hái số 3",
                "Hái lúc sáng sớm, quả chín đều, cắt cành ngắn.",
            ),
            EventSeed(
                "inspecting",
                0,
                14,
                "Phòng kiểm nghiệm HTX Hồng Xuân",
                "Nguyễn Thị Hạnh",
                "Kiểm tra dư lượng thuốc BVTV nhanh: đạt.",
            ),
            EventSeed(
                "packing",
                1,
                7,
                "Xưởng sơ chế HTX Hồng Xuân",
                "Tổ đóng gói",
                "Tuyển quả, đóng hộp 2 kg, bảo quản lạnh 4 °C.",
            ),
            EventSeed(
                "shipping", 1, 18, "Kho lạnh HTX Hồng Xuân", "Xe lạnh 98C-123.45", "Xuất đi Hà Nội."
            ),
            EventSeed(
                "receiving",
                2,
                6,
                "Cửa hàng OCOP Bắc Giang, Hà Nội",
                "Cửa hàng OCOP",
                "Nhận hàng, nhiệt độ thùng 5 °C.",
            ),
        ),
        stamps=24,
    ),
    BatchSeed(
        "vai-thieu-luc-ngan",
        "VT26-0605B",
        19,
        25,
        2600,
        ("VN-BGLN-0311-JP",),
        (
            EventSeed(
                "harvest",
                0,
                5,
                "Vùng trồng Phượng Sơn, Lục Ngạn",
                "Tổ thu hái số 1",
                "Lô xuất khẩu Nhật Bản.",
            ),
            EventSeed(
                "inspecting",
                1,
                9,
                "Trạm kiểm dịch thực vật Lục Ngạn",
                "Cán bộ kiểm dịch",
                "Xử lý chiếu xạ và kiểm dịch đạt yêu cầu thị trường Nhật Bản.",
            ),
            EventSeed(
                "shipping", 2, 16, "Cảng Hải Phòng", "Công ty giao nhận", "Xuất container lạnh."
            ),
        ),
    ),
    BatchSeed(
        "mat-ong-hoa-vai-hang-hieu",
        "MO26-03",
        200,
        720,
        900,
        (),
        (
            EventSeed(
                "harvest",
                0,
                8,
                "Đàn ong tại vùng vải Lục Ngạn",
                "Hộ nuôi ong Hằng Hiếu",
                "Quay mật vụ hoa vải.",
            ),
            EventSeed(
                "processing",
                3,
                9,
                "Xưởng HTX Hằng Hiếu",
                "Tổ chế biến",
                "Lọc, hạ thủy phần xuống 19 %.",
                "620 kg mật ong hoa vải thô",
            ),
            EventSeed(
                "inspecting",
                6,
                10,
                "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
                "Phòng thử nghiệm",
                "Độ ẩm 18,7 %, HMF đạt.",
            ),
            EventSeed("packing", 8, 8, "Xưởng HTX Hằng Hiếu", "Tổ đóng gói", "Chai 500 ml."),
        ),
        stamps=6,
    ),
    BatchSeed(
        "my-gao-luc-ngan",
        "MG26-041",
        40,
        365,
        3000,
        (),
        (
            EventSeed(
                "processing",
                0,
                6,
                "Xưởng mỳ HTX Hằng Hiếu, TT Chũ",
                "Tổ tráng mỳ",
                "Ngâm, xay, tráng và phơi nắng.",
                "1,5 t gạo bao thai",
            ),
            EventSeed(
                "packing", 2, 9, "Xưởng mỳ HTX Hằng Hiếu, TT Chũ", "Tổ đóng gói", "Gói 500 g."
            ),
        ),
    ),
    BatchSeed(
        "gao-nep-cai-hoa-vang-thai-son",
        "NCHV25-M10",
        50,
        365,
        8000,
        ("VN-24-222-07510-004-24",),
        (
            EventSeed(
                "harvest",
                0,
                7,
                "Cánh đồng Thái Sơn, Hiệp Hòa",
                "HTX Nông nghiệp Thái Sơn",
                "Gặt vụ mùa.",
            ),
            EventSeed(
                "processing",
                6,
                8,
                "Nhà máy xay HTX Thái Sơn",
                "Tổ xay xát",
                "Phơi, xay, tách màu.",
                "12 t thóc nếp cái hoa vàng",
            ),
            EventSeed(
                "packing",
                8,
                8,
                "Nhà máy xay HTX Thái Sơn",
                "Tổ đóng gói",
                "Túi hút chân không 2 kg.",
            ),
        ),
    ),
]

PRODUCER_OF = {"vai-thieu-luc-ngan": "hong-xuan", "gao-nep-cai-hoa-vang-thai-son": "thai-son"}


def _product(slug: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.slug == slug))


def _areas(owner_product: Product, seeds: list[AreaSeed], today: date) -> None:
    for seed in seeds:
        exists = db.session.scalar(
            select(GrowingArea.id).where(
                GrowingArea.code == seed.code, GrowingArea.market == seed.market
            )
        )
        if exists is not None:
            continue
        address = resolve_legacy_address(seed.district, seed.commune)
        area = GrowingArea(
            producer_id=owner_product.producer_id,
            code=seed.code,
            market=seed.market,
            crop_vi=seed.crop_vi,
            crop_en=seed.crop_en,
            variety=seed.variety,
            hectares_x100=seed.hectares_x100,
            owner_name=seed.owner,
            households=seed.households,
            location={"type": "Point", "coordinates": list(seed.point)},
            address_as_written=address.as_written,
            legacy_place=address.legacy,
            current_place=address.current,
        )
        for scheme, number, issued_by in seed.standards:
            area.standards.append(
                AreaStandard(
                    scheme=scheme,
                    certificate_number=number,
                    issued_by=issued_by,
                    valid_from=today - timedelta(days=300),
                    valid_until=today + timedelta(days=430),
                )
            )
        db.session.add(area)
    db.session.flush()


def load_trace(today: date | None = None) -> int:
    """Add demo growing areas, batches, timelines and stamp runs; idempotent."""
    today = today or today_in_vietnam()
    for slug, key in PRODUCER_OF.items():
        product = _product(slug)
        if product is not None:
            _areas(product, AREAS[key], today)
    added = 0
    for seed in BATCHES:
        product = _product(seed.product_slug)
        if product is None or not product.variants:
            continue
        if db.session.scalar(
            select(Batch.id).where(Batch.product_id == product.id, Batch.lot_code == seed.lot)
        ):
            continue
        produced = today - timedelta(days=seed.days_ago)
        batch = Batch(
            product_id=product.id,
            variant_id=product.variants[0].id,
            lot_code=seed.lot,
            produced_on=produced,
            expires_on=produced + timedelta(days=seed.shelf_days) if seed.shelf_days else None,
            quantity=seed.quantity,
            areas=list(
                db.session.scalars(select(GrowingArea).where(GrowingArea.code.in_(seed.areas)))
            ),
        )
        db.session.add(batch)
        for event in seed.events:
            event_type, action, biz_step, disposition = KINDS[event.kind]
            local = datetime.combine(
                produced + timedelta(days=event.days_after), time(event.hour), VN
            )
            batch.events.append(
                TraceEvent(
                    event_type=event_type,
                    action=action,
                    biz_step=biz_step,
                    disposition=disposition,
                    event_time=local.astimezone(UTC),
                    tz_offset="+07:00",
                    place_text=event.place,
                    who=event.who,
                    note=event.note,
                    inputs=event.inputs,
                    ilmd={"harvestDate": local.date().isoformat()}
                    if event.kind == "harvest"
                    else None,
                )
            )
        db.session.flush()
        if seed.stamps:
            run = StampRun(batch_id=batch.id, count=seed.stamps, layout="a4", with_pin=True)
            db.session.add(run)
            db.session.commit()
            complete_run(run.id)
        added += 1
    db.session.commit()
    first = db.session.scalar(select(Stamp).order_by(Stamp.id).limit(1))
    if first is not None:
        click.echo(f"  Try a stamp: /t/{first.code.lower()}")
    return added
