"""Checkout, tracking and back-office order forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

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
    # Producer ids; the service keeps only those with a booth at a fair running now.
    pickup = SelectMultipleField(coerce=int, validate_choice=False)

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


class DeliveryForm(FlaskForm):
    """A producer's delivery fee and the bank account its VietQR transfers go to."""

    delivery_fee = IntegerField(
        _l("Delivery fee per order (đồng)"),
        validators=[InputRequired(), NumberRange(0, 10_000_000)],
    )
    free_delivery_from = IntegerField(
        _l("Free delivery from a subtotal of (đồng; empty: never free)"),
        validators=[Optional(), NumberRange(0, 1_000_000_000)],
    )
    bank_bin = StringField(
        _l("Bank BIN (6 digits, NAPAS)"),
        validators=[
            Optional(),
            Regexp(r"^\d{6}$", message=_l("The BIN is the bank's 6-digit NAPAS code.")),
        ],
    )
    bank_account = StringField(
        _l("Account number"),
        validators=[
            Optional(),
            Regexp(
                r"^[0-9A-Za-z]{4,19}$",
                message=_l("An account number has 4 to 19 letters or digits."),
            ),
        ],
    )
    bank_account_name = StringField(_l("Account holder"), validators=[Length(max=120)])

    def validate_bank_account(self, field: StringField) -> None:
        if bool(field.data) != bool(self.bank_bin.data):
            raise ValidationError(_l("Enter both the bank BIN and the account number, or neither."))
