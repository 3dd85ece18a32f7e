"""Error pages: HTML for browsers, JSON for API callers, in the visitor's language."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Bad request"),
            _("Something in that request was not right. Please check and try again."),
        ),
        403: (_("Not allowed"), _("You do not have permission to see this page.")),
        404: (
            _("Page not found"),
            _("We could not find that page. It may have moved or never existed."),
        ),
        405: (_("Not allowed"), _("That action is not available here.")),
        413: (_("Too large"), _("That upload is too large.")),
        429: (
            _("Too many requests"),
            _("You have tried too many times. Please wait a moment and try again."),
        ),
        500: (
            _("Something went wrong"),
            _(
                "An error on our side stopped this page. It has been logged; "
                "please try again later."
            ),
        ),
    }


def render_error(code: int, detail: str | None = None):
    """Render the error page for ``code`` (JSON for API callers)."""
    messages = _messages()
    title, text = messages.get(code, messages[500] if code >= 500 else messages[400])
    if detail:
        text = detail
    if wants_json():
        return jsonify(error={"code": code, "title": title, "message": text}), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def register_errorhandlers(app: Flask) -> None:
    register_user_error(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "This form has expired or was sent from elsewhere. "
                "Please reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)


class UserError(Exception):
    """An error the user caused: shown to them in their language with a 4xx, nothing changed."""

    def __init__(self, message: str, code: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code


def register_user_error(app: Flask) -> None:
    @app.errorhandler(UserError)
    def user_error(error: UserError):
        return render_error(error.code, error.message)
