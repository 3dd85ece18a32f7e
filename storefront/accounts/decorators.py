"""Role checks: a browser without a session goes to the login page, anyone else gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from ..extensions import login_manager
from .models import Role


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
