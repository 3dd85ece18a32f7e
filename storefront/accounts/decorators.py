"""Role checks (a browser without a session goes to the login page, anyone else gets 403) and
the producer's own-object check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from operator import attrgetter
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from ..extensions import db, login_manager
from .models import Role

T = TypeVar("T")


def role_required(*roles: Role) -> Callable:
    """Allow only signed-in users with one of ``roles``.

    Nobody signed in: redirect to login (401 JSON for API callers); wrong role: 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


office_required = role_required(Role.OFFICE)
producer_required = role_required(Role.PRODUCER)


def own_or_404(model: type[T], object_id: int, owner: str = "producer_id") -> T:
    """The ``model`` row ``object_id`` if it belongs to the signed-in producer, else 404.

    ``owner`` is the attribute path to the producer id (e.g. ``"product.producer_id"``). Another
    producer's id answers 404, not 403, so that nobody learns which ids exist.
    """
    item = db.session.get(model, object_id)
    if item is None or attrgetter(owner)(item) != current_user.producer_id:
        abort(404)
    return item
