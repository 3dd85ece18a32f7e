"""Forms for the office's event pages and the producers' responses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .models import GRID_HEIGHT, GRID_WIDTH


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(FlaskForm):
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=255)])
    is_online = BooleanField(_l("Online event (livestream sales day)"))
    online_url = StringField(_l("Online address"), validators=[Optional(), URL(), Length(max=255)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    banner = FileField(_l("Banner photo"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp"])])
    is_published = BooleanField(_l("Published"))
    submit = SubmitField(_l("Save"))

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_venue(self, field: StringField) -> None:
        if not self.is_online.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the venue, or mark the event as online."))


class InviteForm(FlaskForm):
    producers = SelectMultipleField(_l("Producers to invite"), coerce=int)
    submit = SubmitField(_l("Invite"))


class BoothForm(FlaskForm):
    number = StringField(_l("Booth number"), validators=[DataRequired(), Length(max=10)])
    producer = SelectField(_l("Producer"), coerce=int)
    x = IntegerField(_l("Column"), validators=[NumberRange(0, GRID_WIDTH - 1)])
    y = IntegerField(_l("Row"), validators=[NumberRange(0, GRID_HEIGHT - 1)])
    w = IntegerField(_l("Width"), default=3, validators=[NumberRange(1, GRID_WIDTH)])
    h = IntegerField(_l("Depth"), default=2, validators=[NumberRange(1, GRID_HEIGHT)])
    submit = SubmitField(_l("Place booth"))

    def validate_w(self, field: IntegerField) -> None:
        if (
            self.x.data is not None
            and field.data is not None
            and self.x.data + field.data > GRID_WIDTH
        ):
            raise ValidationError(_l("The booth goes past the right edge of the floor plan."))

    def validate_h(self, field: IntegerField) -> None:
        if (
            self.y.data is not None
            and field.data is not None
            and self.y.data + field.data > GRID_HEIGHT
        ):
            raise ValidationError(_l("The booth goes past the bottom edge of the floor plan."))


class PricesForm(FlaskForm):
    discount_percent = IntegerField(
        _l("Event discount (%)"), validators=[NumberRange(0, 90)], default=0
    )
    products = CheckboxList(_l("Products sold at the event price"), coerce=int)
    submit = SubmitField(_l("Save prices"))


class RespondForm(FlaskForm):
    accept = SubmitField(_l("Accept the invitation"))
    decline = SubmitField(_l("Decline"))


class FeaturedForm(FlaskForm):
    products = CheckboxList(_l("Products to feature at the booth"), coerce=int)
    submit = SubmitField(_l("Save featured products"))


class SlotForm(FlaskForm):
    product = SelectField(_l("Tourism product"), coerce=int)
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(1, 500)])
    label_vi = StringField(_l("Note (Vietnamese)"), validators=[Optional(), Length(max=120)])
    label_en = StringField(_l("Note (English)"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add the date"))


class GiftSetForm(FlaskForm):
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    story_vi = TextAreaField(_l("Story (Vietnamese)"), validators=[Length(max=5000)])
    story_en = TextAreaField(_l("Story (English)"), validators=[Length(max=5000)])
    price = IntegerField(
        _l("Set price (đồng)"), validators=[DataRequired(), NumberRange(1000, 100_000_000)]
    )
    components = TextAreaField(
        _l("Components: one per line, SKU and quantity (BG001-1 × 2)"), validators=[DataRequired()]
    )
    photo = FileField(_l("Photo"), validators=[FileAllowed(["jpg", "jpeg", "png", "webp"])])
    submit = SubmitField(_l("Create the gift set"))
