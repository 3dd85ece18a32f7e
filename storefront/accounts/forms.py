"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

# WTForms has no Vietnamese catalog: every validator gets a message of ours.
REQUIRED = DataRequired(message=_l("Please fill in this field."))
EMAIL = Email(message=_l("Enter a valid email address."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[REQUIRED, EMAIL, max_length(254)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, max_length(200)])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class NewPasswordForm(FlaskForm):
    """Choose a password (invitation and reset); the policy is checked by the service."""

    password = PasswordField(_l("New password"), validators=[REQUIRED, max_length(200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[REQUIRED, EqualTo("password", message=_l("The passwords differ."))],
    )


class RegisterForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[REQUIRED, max_length(120)])
    email = EmailField(_l("Email"), validators=[REQUIRED, EMAIL, max_length(254)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, max_length(200)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[REQUIRED, EMAIL, max_length(254)])
