"""Dashboard forms: every message is ours (WTForms has no Vietnamese catalog)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, Regexp, ValidationError

from ..accounts.forms import EMAIL, REQUIRED, max_length
from ..catalog.product_sets import PRODUCT_SETS
from ..money import parse_vnd
from ..text import is_valid_tax_code, normalize_gtin, normalize_phone


def product_set_choices() -> list[tuple[int, str]]:
    from ..core.i18n import localized

    return [(n, f"{n}. {localized(s, 'name')}") for n, s in PRODUCT_SETS.items()]


class ChoiceField(SelectField):
    """A select whose refusals are in our catalog (WTForms' own messages are English only)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Choose one of the options.")) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            return
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(_l("Choose one of the options."))


def _text(value) -> str:
    """Field data as text: an edit form starts from the model's integers."""
    return "" if value is None else str(value).strip()


def _phone(form, field) -> None:
    if field.data and normalize_phone(field.data) is None:
        raise ValidationError(
            _l("Enter a Vietnamese phone number, such as 0912 345 678 or 0204 3855 123.")
        )


def _tax_code(form, field) -> None:
    if field.data and not is_valid_tax_code(field.data):
        raise ValidationError(
            _l("That tax code is not valid: 10 digits (or 10-3 for a branch) with its check digit.")
        )


# Whole đồng, optionally grouped by thousands: 120000, 120.000, 120,000 or 1.250.000 ₫.
_VND = re.compile(r"^(\d+|\d{1,3}([.,]\d{3})+)$")


def _price(form, field) -> None:
    text = _text(field.data).replace("₫", "").replace("đ", "").replace(" ", "")
    try:
        if not _VND.match(text):
            raise ValueError(text)
        parse_vnd(text)
    except ValueError:
        raise ValidationError(
            _l("Enter the price in whole đồng, such as 120000 or 120.000.")
        ) from None


def _stock(form, field) -> None:
    value = _text(field.data)
    if not value.isdigit() or len(value) > 7:
        raise ValidationError(_l("Enter the stock as a whole number of units, 0 or more."))


def _gtin(form, field) -> None:
    if field.data and normalize_gtin(field.data) is None:
        raise ValidationError(
            _l(
                "That barcode is not a valid GTIN: 8, 12, 13 or 14 digits "
                "with the right check digit."
            )
        )


SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and hyphens only, such as vai-thieu-luc-ngan."),
)


class ProfileForm(FlaskForm):
    story_vi = TextAreaField(
        _l("Your story (Vietnamese)"), validators=[max_length(5000)], render_kw={"rows": 6}
    )
    story_en = TextAreaField(
        _l("Your story (English)"), validators=[max_length(5000)], render_kw={"rows": 6}
    )
    phone = StringField(_l("Phone"), validators=[Optional(), max_length(20), _phone])
    email = StringField(_l("Contact email"), validators=[Optional(), EMAIL, max_length(254)])
    website = StringField(
        _l("Website"),
        validators=[
            Optional(),
            max_length(255),
            Regexp(r"^https?://\S+$", message=_l("Start the address with https://")),
        ],
    )
    tax_code = StringField(_l("Tax code"), validators=[Optional(), max_length(14), _tax_code])
    address_line = StringField(_l("Street address"), validators=[max_length(255)])
    logo = FileField(_l("Logo"))


class ProductForm(FlaskForm):
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[REQUIRED, max_length(200)])
    name_en = StringField(_l("Name (English)"), validators=[max_length(200)])
    slug = StringField(_l("Web address"), validators=[Optional(), max_length(160), SLUG])
    product_set = ChoiceField(_l("Product set"), coerce=int)
    description_vi = TextAreaField(
        _l("Description (Vietnamese)"), validators=[max_length(10000)], render_kw={"rows": 6}
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[max_length(10000)], render_kw={"rows": 6}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.product_set.choices = product_set_choices()


class VariantForm(FlaskForm):
    sku = StringField(
        _l("SKU"),
        validators=[
            REQUIRED,
            max_length(64),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dots and hyphens.")),
        ],
    )
    label_vi = StringField(_l("Pack (Vietnamese)"), validators=[REQUIRED, max_length(120)])
    label_en = StringField(_l("Pack (English)"), validators=[max_length(120)])
    price = StringField(_l("Price (đồng)"), validators=[REQUIRED, _price])
    stock = StringField(_l("Stock"), validators=[REQUIRED, _stock])
    gtin = StringField(_l("Barcode (GTIN)"), validators=[Optional(), _gtin])
    is_active = BooleanField(_l("On sale"), default=True)


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"))


class ActionForm(FlaskForm):
    """A button that posts (delete a photo, list or unlist a product)."""
