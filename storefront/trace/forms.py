"""Forms for growing areas, batches, events, stamp runs, PINs and problem reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

# Export markets a growing-area code is commonly issued for (ISO 3166; EU as the customs union).
EXPORT_MARKETS = ("CN", "US", "JP", "KR", "AU", "NZ", "EU", "GB", "CA", "TH", "SG")
# GS1 AI (10) batch/lot: up to 20 characters from the GS1 set; kept to URL-safe ones here.
LOT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,19}$"


class AreaForm(FlaskForm):
    code = StringField(_l("Growing-area code (as issued)"), [DataRequired(), Length(max=80)])
    market = SelectField(_l("Market"))
    crop_vi = StringField(_l("Crop (Vietnamese)"), [DataRequired(), Length(max=120)])
    crop_en = StringField(_l("Crop (English)"), [Optional(), Length(max=120)])
    variety = StringField(_l("Variety"), [Optional(), Length(max=120)])
    hectares = StringField(_l("Area (hectares)"), [DataRequired(), Length(max=12)])
    owner_name = StringField(_l("Owner (producer or farmer group)"), [Optional(), Length(max=200)])
    households = IntegerField(_l("Households"), [Optional(), NumberRange(0, 100000)], default=0)
    address_as_written = StringField(_l("Place as issued"), [Optional(), Length(max=255)])
    legacy_place_id = SelectField(_l("Commune (2024 units)"), coerce=int, validate_choice=True)
    current_place_id = SelectField(_l("Commune now (2025 units)"), coerce=int)
    location = TextAreaField(
        _l("Location (GeoJSON Point or Polygon)"), [Optional(), Length(max=100_000)]
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("active", _l("Active")),
            SelectChoice("suspended", _l("Suspended")),
            SelectChoice("cancelled", _l("Cancelled")),
        ],
    )


class StandardForm(FlaskForm):
    scheme = SelectField(
        _l("Standard"),
        choices=[
            SelectChoice("vietgap", "VietGAP"),
            SelectChoice("globalgap", "GlobalG.A.P."),
            SelectChoice("organic", _l("Organic")),
        ],
    )
    certificate_number = StringField(_l("Certificate number"), [DataRequired(), Length(max=80)])
    issued_by = StringField(_l("Issued by"), [Optional(), Length(max=200)])
    valid_from = DateField(_l("Valid from"), [DataRequired()])
    valid_until = DateField(_l("Valid until"), [DataRequired()])


class BatchForm(FlaskForm):
    variant_id = SelectField(_l("Product"), coerce=int)
    lot_code = StringField(
        _l("Lot code"),
        [
            DataRequired(),
            Regexp(
                LOT_PATTERN, message=_l("Up to 20 letters, digits, dots, dashes or underscores.")
            ),
        ],
    )
    produced_on = DateField(_l("Harvest or production date"), [DataRequired()])
    expires_on = DateField(_l("Expiry date"), [Optional()])
    quantity = IntegerField(
        _l("Quantity (units)"), [Optional(), NumberRange(0, 10_000_000)], default=0
    )
    area_ids = SelectMultipleField(_l("Growing areas of the raw material"), coerce=int)


class EventForm(FlaskForm):
    kind = SelectField(_l("What happened"))
    event_time = DateTimeLocalField(
        _l("When (local time)"), [DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    tz_offset = StringField(
        _l("Time zone offset"), [DataRequired(), Length(max=6)], default="+07:00"
    )
    place_text = StringField(_l("Where"), [Optional(), Length(max=255)])
    who = StringField(_l("Who"), [Optional(), Length(max=200)])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=2000)])
    inputs = StringField(_l("Inputs (for processing)"), [Optional(), Length(max=500)])
    photos = MultipleFileField(_l("Photos"))
    report = FileField(_l("Lab report (PDF)"))
    pdf_title = StringField(_l("Report title"), [Optional(), Length(max=200)])


class RunForm(FlaskForm):
    count = IntegerField(_l("Number of stamps"), [DataRequired(), NumberRange(1, 100_000)])
    layout = SelectField(
        _l("Sheet"),
        choices=[
            SelectChoice("a4", _l("PDF, A4 sheets (30 a page)")),
            SelectChoice("roll", _l("PDF, label roll 40 × 48 mm")),
            SelectChoice("svg", _l("SVG labels (ZIP)")),
            SelectChoice("png", _l("PNG labels, 300 dpi (ZIP)")),
        ],
    )
    with_pin = BooleanField(_l("Scratch-off PIN for each stamp (printed on a separate sheet)"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), [DataRequired(), Length(max=300)])


class VoidStampForm(FlaskForm):
    serial = StringField(_l("Serial"), [DataRequired(), Length(max=20)])


class PinForm(FlaskForm):
    pin = StringField(
        _l("PIN under the scratch-off"),
        [DataRequired(), Regexp(r"^\s*\d{6}\s*$", message=_l("The PIN has 6 digits."))],
    )


class ReportForm(FlaskForm):
    kind = SelectField(
        _l("What is wrong"),
        choices=[
            SelectChoice("fake", _l("I think this product is fake")),
            SelectChoice("wrong_info", _l("The information is wrong")),
            SelectChoice("quality", _l("A problem with the product")),
            SelectChoice("other", _l("Something else")),
        ],
    )
    message = TextAreaField(_l("Tell us more"), [DataRequired(), Length(min=5, max=2000)])
    contact = StringField(_l("Phone or email (optional)"), [Optional(), Length(max=200)])


class ReportUpdateForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("new", _l("New")),
            SelectChoice("investigating", _l("Investigating")),
            SelectChoice("closed", _l("Closed")),
        ],
    )
    finding = TextAreaField(_l("Finding"), [Optional(), Length(max=4000)])
