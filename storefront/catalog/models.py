"""Catalog models: producers, products, images, variants and OCOP certificates."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import today_in_vietnam, utcnow
from ..extensions import db
from ..places.models import AddressMixin
from .product_sets import PRODUCT_SETS, ProductSet

VALIDITY_MONTHS = 36
EXPIRING_WITHIN_DAYS = 90


class ProducerKind(enum.StrEnum):
    """Kinds of OCOP subject (chủ thể OCOP)."""

    COOPERATIVE = "cooperative"
    ENTERPRISE = "enterprise"
    HOUSEHOLD = "household"
    COOPERATIVE_GROUP = "cooperative_group"


class ProducerStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Producer(AddressMixin, db.Model):
    """A producer (chủ thể OCOP): a cooperative, enterprise, household business or group."""

    __tablename__ = "producers"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('cooperative', 'enterprise', 'household', 'cooperative_group')", name="kind"
        ),
        CheckConstraint("status IN ('active', 'suspended')", name="status"),
        CheckConstraint("delivery_fee >= 0", name="delivery_fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=ProducerKind.COOPERATIVE)
    tax_code: Mapped[str | None] = mapped_column(String(14))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(255))
    story_vi: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    contact_is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=ProducerStatus.ACTIVE, index=True)
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    # Delivery and bank transfer, owned by the orders and payments features: a flat fee per
    # order, waived from a subtotal the producer sets (None: never free).
    delivery_fee: Mapped[int] = mapped_column(Integer, default=30_000, server_default="30000")
    free_delivery_from: Mapped[int | None] = mapped_column(BigInteger)
    bank_bin: Mapped[str | None] = mapped_column(String(6))
    bank_account: Mapped[str | None] = mapped_column(String(19))
    bank_account_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    products: Mapped[list[Product]] = relationship(
        back_populates="producer", order_by="Product.id", lazy="raise_on_sql"
    )

    @property
    def is_active(self) -> bool:
        return self.status == ProducerStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Producer {self.slug}>"


class Product(AddressMixin, db.Model):
    """A product as the OCOP council evaluated it; sold through its variants."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("product_set BETWEEN 1 AND 26", name="product_set"),
        Index("ix_products_listed", "is_listed", "producer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    product_set: Mapped[int] = mapped_column(Integer, index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    is_listed: Mapped[bool] = mapped_column(Boolean, default=True)
    # Folded product, producer and place names, refreshed by catalog.services on every save.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    producer: Mapped[Producer] = relationship(back_populates="products", lazy="joined")
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.id", cascade="all, delete-orphan"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="product", order_by="Certificate.decision_date"
    )

    @property
    def set_info(self) -> ProductSet:
        return PRODUCT_SETS[self.product_set]

    def latest_certificate(self) -> Certificate | None:
        """The most recent council decision for this product, whatever its status."""
        return self.certificates[-1] if self.certificates else None

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class ProductImage(db.Model):
    """A photo of a product; files live under UPLOAD_DIR, re-encoded, with a thumbnail beside."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt_vi: Mapped[str] = mapped_column(String(255), default="")
    alt_en: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class Variant(db.Model):
    """A sellable size or pack of a product: SKU, price in whole đồng, stock."""

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        # Covers the catalog's "in stock" test, which runs per listed product.
        Index("ix_variants_in_stock", "product_id", "is_active", "stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    label_vi: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120), default="")
    price: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    product: Mapped[Product] = relationship(back_populates="variants")

    def __repr__(self) -> str:
        return f"<Variant {self.sku}>"


class CertifyingLevel(enum.StrEnum):
    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


def valid_until_for(decision_date: date) -> date:
    """Last day a certificate is valid: 36 months from its decision date, that day excluded."""
    return decision_date + relativedelta(months=VALIDITY_MONTHS) - timedelta(days=1)


class Certificate(db.Model):
    """An OCOP council decision (quyết định công nhận) giving a product its stars for 36 months."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 3 AND 5", name="stars"),
        CheckConstraint("level IN ('district', 'province', 'central')", name="level"),
        CheckConstraint("score IS NULL OR score BETWEEN 50 AND 100", name="score"),
        Index("ix_certificates_product_validity", "product_id", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    stars: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10))
    issuing_body: Mapped[str] = mapped_column(String(200))
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    # Set when this certificate re-recognises a product whose earlier certificate ran out.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    product: Mapped[Product] = relationship(back_populates="certificates")

    def status(self, today: date | None = None) -> CertificateStatus:
        """Valid, expiring (within 90 days), expired or revoked, as of ``today``."""
        today = today or today_in_vietnam()
        if self.revoked_on is not None and self.revoked_on <= today:
            return CertificateStatus.REVOKED
        if today > self.valid_until:
            return CertificateStatus.EXPIRED
        if (self.valid_until - today).days < EXPIRING_WITHIN_DAYS:
            return CertificateStatus.EXPIRING
        return CertificateStatus.VALID

    def allows_sale(self, today: date | None = None) -> bool:
        """Whether the product may show its stars and be sold under this certificate."""
        return self.status(today) in (CertificateStatus.VALID, CertificateStatus.EXPIRING)

    def __repr__(self) -> str:
        return f"<Certificate {self.decision_number} {self.stars}★>"
