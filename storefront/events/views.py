"""Public event, gift set and tourism pages; the office's event pages; producers' responses."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.decorators import office_required, own_or_404, producer_required
from ..catalog.images import store_image
from ..catalog.models import Producer, Product
from ..catalog.product_sets import TOURISM_SET
from ..catalog.services import is_sellable
from ..core.clock import LOCAL_TZ, as_utc, today_in_vietnam
from ..core.i18n import localized
from ..core.nav import add_menu_item
from ..core.services import record_change
from ..core.templating import absolute_url, long_date
from ..extensions import db
from ..text import slugify
from . import services
from .forms import (
    BoothForm,
    EventForm,
    FeaturedForm,
    GiftSetForm,
    InviteForm,
    PricesForm,
    RespondForm,
    SlotForm,
)
from .models import Event, EventParticipant, GiftSet, ParticipationStatus, TourismSlot
from .posters import floor_plan_svg, poster_pdf

bp = Blueprint("events", __name__)

add_menu_item("office", "events.office_events", _l("Events"), order=60)
add_menu_item("office", "events.office_gift_sets", _l("Gift sets"), order=61)
add_menu_item("dashboard", "events.dashboard_events", _l("Events"), order=60)
add_menu_item("dashboard", "events.dashboard_slots", _l("Tourism dates"), order=61)


def _published_event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug[:160]))
    if event is None or not (
        event.is_published or (current_user.is_authenticated and current_user.is_office)
    ):
        abort(404)
    return event


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# Public pages


@bp.get("/events")
def index():
    events = db.session.scalars(
        select(Event).where(Event.is_published.is_(True)).order_by(Event.starts_on.desc())
    ).all()
    gift_sets = db.session.scalars(
        select(GiftSet).where(GiftSet.is_active.is_(True)).order_by(GiftSet.id)
    ).all()
    return render_template(
        "events/index.html", events=events, gift_sets=gift_sets, today=today_in_vietnam()
    )


@bp.get("/events/<slug>")
def event(slug: str):
    item = _published_event(slug)
    today = today_in_vietnam()
    if item.is_published:
        services.record_visit(item.id, today)
    participants = [p for p in item.participants if p.status == ParticipationStatus.ACCEPTED]
    booths_by_producer = {b.producer_id: b for b in item.booths if b.producer_id}
    plan = floor_plan_svg(
        item,
        _("Floor plan of %(name)s", name=localized(item, "name")),
        _("%(n)s booths; the list below names the producer at each booth.", n=len(item.booths)),
    )
    return render_template(
        "events/event.html",
        event=item,
        participants=participants,
        booths_by_producer=booths_by_producer,
        plan=plan,
        today=today,
        discounted=services.discounted,
    )


@bp.get("/events/<slug>/poster.pdf")
def event_poster(slug: str):
    item = _published_event(slug)
    when = long_date(item.starts_on)
    if item.ends_on != item.starts_on:
        when += f" – {long_date(item.ends_on)}"
    where = _("Online") if item.is_online else item.venue
    url = absolute_url(url_for("events.event", slug=item.slug))
    facts = [when, where, localized(item, "description")[:300]]
    return _pdf(
        poster_pdf(localized(item, "name"), facts, url, _("Scan for the booths and products")),
        item.slug,
    )


@bp.get("/gift-sets/<slug>")
def gift_set(slug: str):
    item = db.session.scalar(
        select(GiftSet)
        .where(GiftSet.slug == slug[:160], GiftSet.is_active.is_(True))
        .options(selectinload(GiftSet.components))
    )
    if item is None:
        abort(404)
    return render_template(
        "events/gift_set.html",
        gift_set=item,
        shares=services.component_shares(item),
        stock=services.gift_set_stock(item),
        producers=services.gift_set_producers(item),
    )


@bp.get("/tourism/<slug>/poster.pdf")
def tourism_poster(slug: str):
    """A QR poster for a tourism site: scanning it opens the site's product page.

    Listed tourism products qualify even before certification: the plan's pilots need posters.
    """
    product = db.session.scalar(
        select(Product).where(
            Product.slug == slug[:160],
            Product.product_set == TOURISM_SET,
            Product.is_listed.is_(True),
        )
    )
    if product is None:
        abort(404)
    url = absolute_url(url_for("catalog.product", slug=product.slug))
    facts = [product.producer.name, product.address_now or product.address_then]
    return _pdf(
        poster_pdf(localized(product, "name"), facts, url, _("Scan to see this place and book")),
        product.slug,
    )


# The office


def _office_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _save_event(form: EventForm, event: Event | None) -> Event:
    banner = None
    if form.banner.data:
        banner = store_image(form.banner.data.read())
    if event is None:
        base = slugify(form.name_vi.data)[:150] or "su-kien"
        slug, n = base, 1
        while db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
        event = Event(slug=slug)
        db.session.add(event)
    for name in ("name_vi", "name_en", "venue", "online_url", "description_vi", "description_en"):
        setattr(event, name, (getattr(form, name).data or "").strip())
    event.starts_on, event.ends_on = form.starts_on.data, form.ends_on.data
    event.is_online, event.is_published = form.is_online.data, form.is_published.data
    if banner is not None:
        event.banner_path, event.banner_thumb_path = banner.path, banner.thumb_path
    db.session.flush()
    record_change(current_user, "event.save", event, after={"name": event.name_vi})
    db.session.commit()
    return event


@bp.route("/office/events", methods=["GET", "POST"])
@office_required
def office_events():
    form = EventForm()
    if form.validate_on_submit():
        event = _save_event(form, None)
        flash(_("Event created. Now invite producers and place their booths."), "success")
        return redirect(url_for("events.office_event", event_id=event.id))
    events = db.session.scalars(select(Event).order_by(Event.starts_on.desc())).all()
    return render_template("events/office_events.html", events=events, form=form)


def _office_forms(event: Event):
    producers = db.session.scalars(
        select(Producer).where(Producer.status == "active").order_by(Producer.name)
    ).all()
    invite = InviteForm(prefix="invite")
    invite.producers.choices = [(p.id, p.name) for p in producers]
    booth = BoothForm(prefix="booth")
    booth.producer.choices = [(0, _("(no producer)"))] + [
        (p.producer_id, p.producer.name) for p in event.participants
    ]
    prices = PricesForm(prefix="prices")
    participant_ids = [p.producer_id for p in event.participants]
    products = db.session.scalars(
        select(Product).where(Product.producer_id.in_(participant_ids)).order_by(Product.name_vi)
    ).all()
    prices.products.choices = [(p.id, f"{p.name_vi} – {p.producer.name}") for p in products]
    return invite, booth, prices


@bp.route("/office/events/<int:event_id>", methods=["GET", "POST"])
@office_required
def office_event(event_id: int):
    event = _office_event(event_id)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        _save_event(form, event)
        flash(_("Event saved."), "success")
        return redirect(url_for("events.office_event", event_id=event.id))
    invite, booth, prices = _office_forms(event)
    if not prices.is_submitted():
        prices.discount_percent.data = event.discount_percent
        prices.products.data = [p.product_id for p in event.prices]
    return render_template(
        "events/office_event.html",
        event=event,
        form=form,
        invite=invite,
        booth=booth,
        prices=prices,
        plan=floor_plan_svg(event, _("Floor plan"), _("Booths placed so far.")),
    )


@bp.post("/office/events/<int:event_id>/invite")
@office_required
def office_invite(event_id: int):
    event = _office_event(event_id)
    invite, _booth, _prices = _office_forms(event)
    if invite.validate_on_submit():
        added = services.invite_producers(current_user, event, invite.producers.data)
        flash(_("%(n)s producers invited.", n=added), "success")
    else:
        flash(_("Choose producers from the list."), "error")
    return redirect(url_for("events.office_event", event_id=event.id))


@bp.post("/office/events/<int:event_id>/booths")
@office_required
def office_booth(event_id: int):
    event = _office_event(event_id)
    _invite, booth, _prices = _office_forms(event)
    if booth.validate_on_submit():
        services.assign_booth(
            current_user,
            event,
            number=booth.number.data.strip(),
            producer_id=booth.producer.data or None,
            x=booth.x.data,
            y=booth.y.data,
            w=booth.w.data,
            h=booth.h.data,
        )
        flash(_("Booth %(number)s placed.", number=booth.number.data), "success")
    else:
        errors = [e for f in booth for e in f.errors]
        flash(" ".join(str(e) for e in errors) or _("Check the booth's fields."), "error")
    return redirect(url_for("events.office_event", event_id=event.id))


@bp.post("/office/events/<int:event_id>/prices")
@office_required
def office_prices(event_id: int):
    event = _office_event(event_id)
    _invite, _booth, prices = _office_forms(event)
    if prices.validate_on_submit():
        services.set_event_prices(
            current_user, event, prices.discount_percent.data, prices.products.data
        )
        flash(_("Event prices saved."), "success")
    else:
        flash(_("The discount must be between 0 and 90 %."), "error")
    return redirect(url_for("events.office_event", event_id=event.id))


@bp.get("/office/events/<int:event_id>/report")
@office_required
def office_report(event_id: int):
    event = _office_event(event_id)
    return render_template(
        "events/office_report.html", event=event, report=services.event_report(event)
    )


# Producers


def _own_participation(event_id: int) -> EventParticipant:
    participant = db.session.scalar(
        select(EventParticipant).where(
            EventParticipant.event_id == event_id,
            EventParticipant.producer_id == current_user.producer_id,
        )
    )
    if participant is None:
        abort(404)
    return participant


@bp.get("/dashboard/events")
@producer_required
def dashboard_events():
    participations = db.session.scalars(
        select(EventParticipant)
        .join(Event, Event.id == EventParticipant.event_id)
        .where(EventParticipant.producer_id == current_user.producer_id)
        .order_by(Event.starts_on.desc())
    ).all()
    return render_template("events/dashboard_events.html", participations=participations)


def _featured_form(participant: EventParticipant) -> FeaturedForm:
    form = FeaturedForm(prefix="featured")
    products = db.session.scalars(
        select(Product)
        .where(
            Product.producer_id == participant.producer_id,
            is_sellable(today_in_vietnam()),
        )
        .order_by(Product.name_vi)
    ).all()
    form.products.choices = [(p.id, localized(p, "name")) for p in products]
    return form


@bp.get("/dashboard/events/<int:event_id>")
@producer_required
def dashboard_event(event_id: int):
    participant = _own_participation(event_id)
    featured = _featured_form(participant)
    featured.products.data = [f.product_id for f in participant.featured]
    booth = next(
        (b for b in participant.event.booths if b.producer_id == participant.producer_id), None
    )
    return render_template(
        "events/dashboard_event.html",
        participant=participant,
        event=participant.event,
        booth=booth,
        respond=RespondForm(prefix="respond"),
        featured=featured,
    )


@bp.post("/dashboard/events/<int:event_id>/respond")
@producer_required
def dashboard_respond(event_id: int):
    participant = _own_participation(event_id)
    form = RespondForm(prefix="respond")
    if form.validate_on_submit():
        services.respond_to_invitation(current_user, participant, accept=bool(form.accept.data))
        flash(
            _("You take part in this event.") if form.accept.data else _("Invitation declined."),
            "success",
        )
    return redirect(url_for("events.dashboard_event", event_id=event_id))


@bp.post("/dashboard/events/<int:event_id>/featured")
@producer_required
def dashboard_featured(event_id: int):
    participant = _own_participation(event_id)
    form = _featured_form(participant)
    if participant.status != ParticipationStatus.ACCEPTED:
        flash(_("Accept the invitation before choosing featured products."), "error")
    elif form.validate_on_submit():
        services.set_featured_products(current_user, participant, form.products.data)
        flash(_("Featured products saved."), "success")
    else:
        flash(_("Choose products from the list."), "error")
    return redirect(url_for("events.dashboard_event", event_id=event_id))


@bp.app_template_global("tourism_slots")
def tourism_slots(product_id: int):
    """Upcoming slots of a tourism product, for templates/events/_tourism_slots.html."""
    return services.upcoming_slots(product_id)


@bp.app_template_filter("local_time")
def local_time(value) -> str:
    """HH:MM in Vietnam's time zone."""
    return as_utc(value).astimezone(LOCAL_TZ).strftime("%H:%M")


# Producers' tourism dates


def _own_tourism_products() -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(
                Product.producer_id == current_user.producer_id,
                Product.product_set == TOURISM_SET,
            )
            .order_by(Product.name_vi)
        )
    )


@bp.route("/dashboard/tourism-slots", methods=["GET", "POST"])
@producer_required
def dashboard_slots():
    products = _own_tourism_products()
    form = SlotForm()
    form.product.choices = [(p.id, localized(p, "name")) for p in products]
    if form.validate_on_submit():
        product = next(p for p in products if p.id == form.product.data)
        starts_at = datetime.combine(form.day.data, form.start.data, LOCAL_TZ)
        services.add_slot(
            current_user,
            product,
            starts_at,
            form.capacity.data,
            form.label_vi.data or "",
            form.label_en.data or "",
        )
        flash(_("Date added."), "success")
        return redirect(url_for("events.dashboard_slots"))
    slots = {p.id: services.upcoming_slots(p.id) for p in products}
    return render_template("events/dashboard_slots.html", products=products, slots=slots, form=form)


@bp.post("/dashboard/tourism-slots/<int:slot_id>/remove")
@producer_required
def dashboard_remove_slot(slot_id: int):
    slot = own_or_404(TourismSlot, slot_id, owner="product.producer_id")
    services.remove_slot(current_user, slot)
    flash(_("Date removed."), "success")
    return redirect(url_for("events.dashboard_slots"))


# The office's gift sets


@bp.route("/office/gift-sets", methods=["GET", "POST"])
@office_required
def office_gift_sets():
    form = GiftSetForm()
    if form.validate_on_submit():
        components = services.parse_components(form.components.data)
        photo = store_image(form.photo.data.read()) if form.photo.data else None
        gift_set = services.create_gift_set(
            current_user,
            name_vi=form.name_vi.data,
            name_en=form.name_en.data or "",
            story_vi=form.story_vi.data or "",
            story_en=form.story_en.data or "",
            price=form.price.data,
            components=components,
            photo=photo,
        )
        flash(_("Gift set created."), "success")
        return redirect(url_for("events.gift_set", slug=gift_set.slug))
    gift_sets = db.session.scalars(select(GiftSet).order_by(GiftSet.id)).all()
    return render_template(
        "events/office_gift_sets.html",
        gift_sets=gift_sets,
        form=form,
        stock=services.gift_set_stock,
    )
