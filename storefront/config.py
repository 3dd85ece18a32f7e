"""Configuration classes read from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment; each reads its value from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    # Signs stamp codes; kept apart from SECRET_KEY so rotating sessions keeps stamps valid.
    STAMP_SIGNING_KEY = os.environ.get("STAMP_SIGNING_KEY") or SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'storefront.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "")
    MAIL_SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", "587"))
    MAIL_SMTP_USER = os.environ.get("MAIL_SMTP_USER", "")
    MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "OCOP Bắc Giang <no-reply@ocop.example.vn>")

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    # Orders: unpaid online payments are cancelled after this many minutes; idle carts expire.
    ORDER_PAYMENT_MINUTES = int(os.environ.get("ORDER_PAYMENT_MINUTES", "30"))
    CART_TTL_DAYS = int(os.environ.get("CART_TTL_DAYS", "30"))
    # The platform's account for VietQR transfers to producers without an account of their own.
    VIETQR_BANK_BIN = os.environ.get("VIETQR_BANK_BIN", "970436")
    VIETQR_ACCOUNT = os.environ.get("VIETQR_ACCOUNT", "1017595600")
    VIETQR_ACCOUNT_NAME = os.environ.get("VIETQR_ACCOUNT_NAME", "VAN PHONG OCOP (VI DU)")


class ProductionConfig(Config):
    """Production: secure cookies and a secret that must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """Tests: a database URL from TEST_DATABASE_URL, fixed keys, rate limits kept on."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    STAMP_SIGNING_KEY = "test-stamp-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SITE_URL = "http://localhost"
