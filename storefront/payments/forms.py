"""Office forms for payments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ReconcileForm(FlaskForm):
    code = StringField(
        _l("Order code in the transfer description"), validators=[DataRequired(), Length(max=40)]
    )
    amount = StringField(_l("Amount received (đồng)"), validators=[DataRequired(), Length(max=20)])
