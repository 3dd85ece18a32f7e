"""The OCOP storefront: a Flask application built by ``create_app``."""

from __future__ import annotations

import logging
import os
from importlib import import_module
from typing import Any

from flask import Flask

from .config import ROOT, Config, ProductionConfig
from .extensions import babel, csrf, db, limiter, login_manager, migrate

# Feature packages with a ``views.bp`` blueprint, in registration order.
BLUEPRINTS = (
    "core",
    "catalog",
    "accounts",
    "cart",
    "orders",
    "payments",
    "programme",
    "api",
    "events",
    "trace",
    "dashboard",
    "office",
)

# Feature packages with a ``commands.register(app)`` function.
COMMANDS = (
    "core",
    "places",
    "catalog",
    "demo",
    "accounts",
    "orders",
    "trace",
)


def create_app(config: Any = None) -> Flask:
    """Build the application; ``config`` is a config class or a mapping that overrides it."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: Any) -> None:
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        production = (
            os.environ.get("FLASK_ENV") == "production"
            or os.environ.get("STOREFRONT_ENV") == "production"
        )
        app.config.from_object(ProductionConfig if production else Config)
        if config:
            app.config.update(config)
    if not app.testing:
        logging.basicConfig(level=logging.INFO)
    os.makedirs(app.instance_path, exist_ok=True)
    # Every feature keeps its own catalog so that features can be translated independently.
    dirs = sorted(str(p) for p in (ROOT / "storefront").glob("*/translations"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs) or "translations"


def register_extensions(app: Flask) -> None:
    from .core.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    # Import every model module so metadata (and Alembic autogenerate) sees all tables.
    import_module(".models", __name__)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINTS:
        module = import_module(f".{name}.views", __name__)
        app.register_blueprint(module.bp)


def register_errorhandlers(app: Flask) -> None:
    from .core.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .core.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    for name in COMMANDS:
        module = import_module(f".{name}.commands", __name__)
        module.register(app)
