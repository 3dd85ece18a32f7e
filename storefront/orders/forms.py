"""Checkout, tracking and back-office order forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..text import normalize_phone


def vietnamese_phone(form: FlaskForm, field: StringField) -> None:
    if normalize_phone(field.data) is None:
        raise ValidationError(_l("Enter a Vietnamese phone number, such as 0912 345 678."))


class CheckoutForm(FlaskForm):
    checkout_token = HiddenField(validators=[DataRequired()])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=20), vietnamese_phone])
    email = EmailField(
        _l("Email (optional, for order updates)"),
        validators=[Optional(), Email(), Length(max=254)],
    )
    province = SelectField(_l("Province"), validators=[DataRequired()])
    commune = SelectField(_l("Commune or ward"), validators=[DataRequired()])
    address_line = StringField(
        _l("House number, street, village"), validators=[DataRequired(), Length(max=255)]
    )
    note = TextAreaField(_l("Note for the producers (optional)"), validators=[Length(max=1000)])
    payment_method = RadioField(_l("Payment"), validators=[DataRequired()])

    def validate_commune(self, field: SelectField) -> None:
        if self.commune_parents.get(field.data) != self.province.data:
            raise ValidationError(_l("Choose a commune in the chosen province."))

    commune_parents: dict[str, str] = {}


class TrackForm(FlaskForm):
    code = StringField(_l("Order code"), validators=[DataRequired(), Length(max=20)])
    phone = StringField(_l("Phone used at checkout"), validators=[DataRequired(), Length(max=20)])


class MoveForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    carrier = StringField(_l("Carrier"), validators=[Length(max=80)])
    tracking_number = StringField(_l("Tracking number"), validators=[Length(max=80)])
    reason = StringField(_l("Reason"), validators=[Length(max=300)])
