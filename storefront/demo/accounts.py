"""Demo accounts: one office account, staff for several producers, one customer."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Role
from ..accounts.services import create_user, find_user
from ..catalog.models import Producer
from ..extensions import db

OFFICE = ("office@example.vn", "ocop-office-demo", "Văn phòng OCOP (demo)")
CUSTOMER = ("khach@example.vn", "ocop-khach-demo", "Khách hàng demo")
# Producer slug → staff email; every staff password is STAFF_PASSWORD.
STAFF = {
    "htx-sx-kd-dich-vu-tong-hop-hong-xuan": "hongxuan@example.vn",
    "htx-van-huong": "vanhuong@example.vn",
    "htx-nong-nghiep-xanh-yen-the": "xanhyenthe@example.vn",
    "htx-nem-nuong-lien-chung": "nemlienchung@example.vn",
}
STAFF_PASSWORD = "ocop-shop-demo"  # noqa: S105 - published demo login


def load_accounts() -> None:
    """Create the demo accounts that do not exist yet."""
    for email, password, name, role in (
        (*OFFICE, Role.OFFICE),
        (*CUSTOMER, Role.CUSTOMER),
    ):
        if find_user(email) is None:
            create_user(email, password, role, name=name)
    for slug, email in STAFF.items():
        producer = db.session.scalar(select(Producer).where(Producer.slug == slug))
        if producer is not None and find_user(email) is None:
            create_user(
                email,
                STAFF_PASSWORD,
                Role.PRODUCER,
                name=f"Nhân viên {producer.name}",
                producer_id=producer.id,
            )
    db.session.commit()


def logins() -> list[tuple[str, str, str]]:
    """(who, email, password) for every demo account, for `make serve` to print."""
    rows = [("OCOP office", OFFICE[0], OFFICE[1]), ("Customer", CUSTOMER[0], CUSTOMER[1])]
    rows += [(f"Producer staff ({slug})", email, STAFF_PASSWORD) for slug, email in STAFF.items()]
    return rows
