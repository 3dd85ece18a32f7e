"""Office forms: every message is ours (WTForms has no Vietnamese catalog)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from ..accounts.forms import EMAIL, REQUIRED, max_length
from ..catalog.models import CertifyingLevel, ProducerKind
from ..dashboard.forms import SLUG, ChoiceField, _phone, _tax_code
from .services import parse_date


def _score(form, field) -> None:
    value = (field.data or "").strip()
    if not value.isdigit() or not 50 <= int(value) <= 100:
        raise ValidationError(_l("A certified product scores from 50 to 100."))


def _date(form, field) -> None:
    if parse_date(field.data) is None:
        raise ValidationError(_l("Enter a date such as 2025-08-15 or 15/08/2025."))


def kind_choices() -> list[tuple[str, str]]:
    names = {
        ProducerKind.COOPERATIVE: _l("Cooperative"),
        ProducerKind.ENTERPRISE: _l("Enterprise"),
        ProducerKind.HOUSEHOLD: _l("Household business"),
        ProducerKind.COOPERATIVE_GROUP: _l("Cooperative group"),
    }
    return [(k.value, names[k]) for k in ProducerKind]


def level_choices() -> list[tuple[str, str]]:
    names = {
        CertifyingLevel.DISTRICT: _l("District"),
        CertifyingLevel.PROVINCE: _l("Province"),
        CertifyingLevel.CENTRAL: _l("Central (ministry)"),
    }
    return [(k.value, names[k]) for k in CertifyingLevel]


class ProducerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[REQUIRED, max_length(200)])
    slug = StringField(_l("Web address"), validators=[Optional(), max_length(160), SLUG])
    kind = ChoiceField(_l("Kind"))
    tax_code = StringField(_l("Tax code"), validators=[Optional(), max_length(14), _tax_code])
    phone = StringField(_l("Phone"), validators=[Optional(), max_length(20), _phone])
    email = StringField(_l("Contact email"), validators=[Optional(), EMAIL, max_length(254)])
    address_line = StringField(_l("Street address"), validators=[max_length(255)])
    district = StringField(_l("District (2024)"), validators=[max_length(80)])
    commune = StringField(_l("Commune (2024)"), validators=[max_length(80)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()


class InviteForm(FlaskForm):
    name = StringField(_l("Staff member's name"), validators=[REQUIRED, max_length(120)])
    email = StringField(_l("Email"), validators=[REQUIRED, EMAIL, max_length(254)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[REQUIRED, max_length(500)], render_kw={"rows": 3}
    )


class CertificateForm(FlaskForm):
    product_id = ChoiceField(_l("Product"), coerce=int)
    stars = ChoiceField(_l("Stars"), coerce=int)
    score = StringField(_l("Score (out of 100)"), validators=[Optional(), _score])
    level = ChoiceField(_l("Certifying level"))
    issuing_body = StringField(
        _l("Issuing body"), validators=[REQUIRED, max_length(200)], default="UBND tỉnh Bắc Ninh"
    )
    decision_number = StringField(_l("Decision number"), validators=[REQUIRED, max_length(60)])
    decision_date = StringField(
        _l("Decision date"), validators=[REQUIRED, _date], render_kw={"type": "date"}
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_choices()
        self.stars.choices = [(n, f"{n} ★") for n in (3, 4, 5)]
        self.product_id.choices = [(p.id, f"{p.name_vi} – {p.producer.name}") for p in products]


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))
