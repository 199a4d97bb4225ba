"""Decisions of national partners: request changes, approve within the budget, reject, cancel."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import get_translation_fields

from events.gazetteer import locate_town
from events.models import REVIEWABLE, Delivery, Event, Proposal
from events.public import bump_version
from events.services import transition_proposal
from meetandcode.kernel.exceptions import AmountNotAllowed, BudgetExceeded, DomainError
from meetandcode.kernel.formatting import format_money
from organisations import audit
from organisations.audit import Action
from organisations.notifications import notify_proposal, notify_validation_codes
from organisations.permissions import require
from organisations.services import decide_validation, issue_validation_tokens
from programmes.models import (
    CountryInfo,
    CountryProgramme,
    CountryText,
    Edition,
    Question,
    QuestionChoice,
    ReviewCriterion,
)

from .models import Grant, ProposalComment, Review, ReviewScore
from .tasks import enqueue_award_letter


def request_changes(proposal: Proposal, *, actor, message: str) -> Proposal:
    """Send the proposal back to the applicant with what to change."""
    require(actor, "programme.decide", proposal.country_programme)
    if not message.strip():
        raise DomainError(_("Say what the applicant should change."))
    with transaction.atomic():
        locked = transition_proposal(proposal, "request_changes", actor=actor, message=message)
        notify_proposal(locked, "proposal_changes_requested", message=message)
        return locked


def reject_proposal(proposal: Proposal, *, actor, reason: str) -> Proposal:
    """Refuse the proposal; the reason is sent to the applicant."""
    require(actor, "programme.decide", proposal.country_programme)
    if not reason.strip():
        raise DomainError(_("Give a reason for the rejection; the applicant will read it."))
    with transaction.atomic():
        locked = transition_proposal(proposal, "reject", actor=actor, message=reason)
        notify_proposal(locked, "proposal_rejected", reason=reason)
        return locked


def approve_proposal(proposal: Proposal, *, actor, amount: Decimal | None = None) -> Grant:
    """Approve and reserve the amount from the country budget; create the grant and the event.

    The country programme's row is locked for the whole transaction, so two managers approving
    at once are served one after the other; the CHECK on ``reserved <= budget`` backs this up.
    """
    require(actor, "programme.decide", proposal.country_programme)
    made: dict[str, Grant] = {}

    def reserve(locked: Proposal) -> None:
        grant_amount = locked.requested_amount if amount is None else Decimal(amount)
        programme = CountryProgramme.objects.select_for_update().get(pk=locked.country_programme_id)
        _check_amount(grant_amount, locked, programme)
        CountryProgramme.objects.filter(pk=programme.pk).update(
            reserved=F("reserved") + grant_amount
        )
        made["grant"] = _create_grant(locked, programme, grant_amount, actor)
        publish_event(locked)

    with transaction.atomic():
        transition_proposal(
            proposal, "approve", actor=actor, data={"amount": str(amount)}, before_save=reserve
        )
        transaction.on_commit(lambda pk=made["grant"].pk: enqueue_award_letter(pk))
        grant = made["grant"]
        notify_proposal(grant.proposal, "proposal_approved", **_facts_of(grant))
    return made["grant"]


def _check_amount(amount: Decimal, proposal: Proposal, programme: CountryProgramme) -> None:
    def money(value):
        return format_money(value, programme.currency)

    if amount <= 0:
        raise AmountNotAllowed(_("The grant must be more than zero."))
    if amount > proposal.requested_amount:
        raise AmountNotAllowed(
            _("The grant (%(amount)s) cannot be more than the requested amount (%(requested)s).")
            % {"amount": money(amount), "requested": money(proposal.requested_amount)}
        )
    if amount > programme.max_grant:
        raise AmountNotAllowed(
            _("The grant (%(amount)s) cannot be more than the country's maximum (%(max)s).")
            % {"amount": money(amount), "max": money(programme.max_grant)}
        )
    if amount > programme.remaining:
        raise BudgetExceeded(
            _(
                "Budget exceeded: %(remaining)s remain in %(country)s, "
                "the grant would need %(amount)s."
            )
            % {
                "remaining": money(programme.remaining),
                "country": programme.country.name,
                "amount": money(amount),
            }
        )


def _create_grant(proposal, programme, amount, actor) -> Grant:
    last = Grant.objects.filter(country_programme=programme).aggregate(n=Max("sequence"))["n"]
    sequence = (last or 0) + 1
    return Grant.objects.create(
        proposal=proposal,
        country_programme=programme,
        sequence=sequence,
        reference=grant_reference(programme, sequence),
        amount=amount,
        currency=programme.currency,
        approved_by=actor if actor is not None and actor.pk else None,
        approved_at=timezone.now(),
    )


def grant_reference(programme: CountryProgramme, sequence: int) -> str:
    """E.g. MC24-LU-0042: edition code, country, number within the country programme."""
    return f"{programme.edition.code}-{programme.country.code}-{sequence:04d}"


def _located_at_town(fields: dict, proposal: Proposal, organisation) -> dict:
    """Without a pin, the event stands at its town's centre (an online one: the organisation's)."""
    if fields["latitude"] is not None and fields["longitude"] is not None:
        return fields
    town = proposal.city or (organisation.city if proposal.delivery == Delivery.ONLINE else "")
    point = locate_town(town, proposal.country_programme.country)
    if point is None:
        return fields
    latitude, longitude = point
    return {**fields, "latitude": latitude, "longitude": longitude, "location_is_approximate": True}


def public_event_fields(proposal: Proposal, *, organisation, language_codes, focus_codes) -> dict:
    """The public face of a proposal: the only fields an Event (and so the public) ever gets."""
    return {
        "edition_id": proposal.country_programme.edition_id,
        "slug": slugify(proposal.title)[:80] or "event",
        "title": proposal.title,
        "description": proposal.description,
        "organisation_name": organisation.name,
        "organisation_website": organisation.website,
        "country": proposal.country_programme.country,
        "city": proposal.city,
        "venue_name": proposal.venue_name,
        "address": proposal.address,
        "latitude": proposal.latitude,
        "longitude": proposal.longitude,
        "location_is_approximate": proposal.location_is_approximate,
        "starts_at": proposal.starts_at,
        "ends_at": proposal.ends_at,
        "format": proposal.format,
        "delivery": proposal.delivery,
        "age_min": proposal.age_min,
        "age_max": proposal.age_max,
        "language_codes": ",".join(sorted(language_codes)),
        "focus_group_codes": ",".join(sorted(focus_codes)),
    }


def publish_event(proposal: Proposal) -> Event:
    """Create or refresh the public event of an approved proposal, with public fields only."""
    fields = public_event_fields(
        proposal,
        organisation=proposal.organisation,
        language_codes=[lang.code for lang in proposal.languages.all()],
        focus_codes=[group.code for group in proposal.focus_groups.all()],
    )
    fields = _located_at_town(fields, proposal, proposal.organisation)
    fields["status"] = Event.Status.SCHEDULED
    event, _created = Event.objects.update_or_create(
        proposal=proposal,
        defaults=fields,
        create_defaults={**fields, "published_at": timezone.now()},
    )
    return event


def cancel_grant(proposal: Proposal, *, actor, reason: str) -> Proposal:
    """Cancel an approved proposal: release its budget and take its event off the map."""
    require(actor, "programme.decide", proposal.country_programme)
    if not reason.strip():
        raise DomainError(_("Say why the grant is cancelled; the applicant will read it."))

    released: dict[str, Grant] = {}

    def release(locked: Proposal) -> None:
        grant = released["grant"] = Grant.objects.select_for_update().get(proposal=locked)
        CountryProgramme.objects.select_for_update().filter(pk=grant.country_programme_id).update(
            reserved=F("reserved") - grant.amount
        )
        grant.status = Grant.Status.CANCELLED
        grant.cancelled_at = timezone.now()
        grant.save(update_fields=["status", "cancelled_at"])
        Event.objects.filter(proposal=locked).update(status=Event.Status.CANCELLED)
        # update() sends no post_save: tell the cached public feeds themselves (events.signals).
        transaction.on_commit(bump_version)

    with transaction.atomic():
        locked = transition_proposal(
            proposal, "cancel", actor=actor, message=reason, before_save=release
        )
        notify_proposal(locked, "grant_cancelled", reason=reason, **_facts_of(released["grant"]))
        return locked


def _facts_of(grant: Grant) -> dict:
    """What a message about the grant states: its reference and amount."""
    return {"reference": grant.reference, "amount": grant.amount, "currency": grant.currency}


# --- Reviews ----------------------------------------------------------------------------------


class ReviewNotValid(DomainError):
    """Some scores are missing or out of range; ``errors`` maps criterion ids to messages."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Give every criterion a score from 1 to 5."))
        self.errors = errors


def _clean_scores(criteria, scores: dict) -> dict[int, int]:
    errors: dict[int, str] = {}
    given = {}
    for key, value in scores.items():
        given[int(key) if str(key).isdigit() else key] = value
    cleaned = {}
    for criterion in criteria:
        value = given.pop(criterion.pk, None)
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[criterion.pk] = _("Choose a score from 1 to 5 for “%(name)s”.") % {
                "name": criterion.name
            }
            continue
        if not 1 <= number <= 5 or str(number) != str(value).strip():
            errors[criterion.pk] = _("“%(name)s” takes a score from 1 to 5.") % {
                "name": criterion.name
            }
        else:
            cleaned[criterion.pk] = number
    for unknown in given:
        errors[unknown] = _("This criterion is not one of this edition's.")
    if errors:
        raise ReviewNotValid(errors)
    return cleaned


def _check_reviewable(proposal: Proposal) -> None:
    if proposal.status not in REVIEWABLE:
        raise DomainError(
            _("Only submitted proposals are reviewed; this one is %(status)s.")
            % {"status": proposal.get_status_display().lower()}
        )


def submit_review(proposal: Proposal, *, reviewer, scores: dict, comment: str = "") -> Review:
    """Create or update the reviewer's own review: a score of 1 to 5 for every criterion of the
    proposal's edition, and a comment. A reviewer who declared a conflict cannot score."""
    programme = proposal.country_programme
    require(reviewer, "programme.review", programme)
    cleaned = _clean_scores(list(programme.edition.criteria.all()), scores)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _check_reviewable(locked)
        review, created = Review.objects.select_for_update().get_or_create(
            proposal=locked, reviewer=reviewer
        )
        if review.conflict_of_interest:
            raise DomainError(_("You declared a conflict of interest for this proposal."))
        review.comment = comment.strip()
        review.save()
        review.scores.all().delete()
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion_id=pk, score=score)
            for pk, score in cleaned.items()
        )
        audit.record(
            locked,
            actor=reviewer,
            action=Action.REVIEW_SUBMIT if created else Action.REVIEW_UPDATE,
            from_state=locked.status,
            to_state=locked.status,
            data={"scores": {str(pk): score for pk, score in cleaned.items()}},
        )
    return review


def declare_conflict(proposal: Proposal, *, reviewer, note: str = "") -> Review:
    """The reviewer has a conflict of interest: their scores leave the average and the proposal
    leaves their review queue."""
    require(reviewer, "programme.review", proposal.country_programme)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        review, _created = Review.objects.select_for_update().get_or_create(
            proposal=locked, reviewer=reviewer
        )
        review.conflict_of_interest = True
        review.comment = note.strip()
        review.save()
        review.scores.all().delete()
        audit.record(
            locked,
            actor=reviewer,
            action=Action.REVIEW_CONFLICT,
            from_state=locked.status,
            to_state=locked.status,
            message=review.comment,
        )
    return review


@dataclass(frozen=True)
class ReviewSummary:
    average: Decimal | None
    count: int


def summary_of(reviews) -> ReviewSummary:
    """Average score over the reviews without a conflict of interest, and how many of them have
    scores, from reviews read with their scores (the proposal page has them already)."""
    scored = [list(r.scores.all()) for r in reviews if not r.conflict_of_interest]
    scores = [score.score for given in scored for score in given]
    count = sum(1 for given in scored if given)
    if not scores:
        return ReviewSummary(average=None, count=count)
    average = Decimal(sum(scores)) / Decimal(len(scores))
    return ReviewSummary(average=Decimal(str(round(average, 2))), count=count)


def review_summary(proposal: Proposal) -> ReviewSummary:
    """``summary_of`` the proposal's reviews, read for it."""
    return summary_of(Review.objects.filter(proposal=proposal).prefetch_related("scores"))


# --- Comments ---------------------------------------------------------------------------------


def add_comment(proposal: Proposal, *, author, body: str, to_applicant: bool) -> ProposalComment:
    """A note of partner staff: internal, or shown to the applicant on their proposal page."""
    require(author, "programme.review", proposal.country_programme)
    if not body.strip():
        raise DomainError(_("Write the comment first."))
    with transaction.atomic():
        comment = ProposalComment.objects.create(
            proposal=proposal, author=author, body=body.strip(), to_applicant=to_applicant
        )
        audit.record(
            proposal,
            actor=author,
            action=Action.COMMENT_TO_APPLICANT if to_applicant else Action.COMMENT_INTERNAL,
            from_state=proposal.status,
            to_state=proposal.status,
            data={"comment": comment.pk},
        )
    return comment


# --- Rejection reasons and bulk decisions -----------------------------------------------------

REJECTION_REASONS = [
    ("not_coding", gettext_lazy("The event is not about coding or digital skills.")),
    ("audience", gettext_lazy("The event is not for children and young people aged 8 to 24.")),
    ("not_free", gettext_lazy("The event is not free for all participants.")),
    ("costs", gettext_lazy("The budget contains costs the programme does not fund.")),
    ("budget", gettext_lazy("The country's budget is used up for this edition.")),
    ("quality", gettext_lazy("Other proposals met the review criteria better.")),
    ("other", gettext_lazy("Other reason (explained below).")),
]


def rejection_reason(template: str, text: str = "") -> str:
    """The reason sent to the applicant: the chosen template's sentence, then the free text."""
    sentences = dict(REJECTION_REASONS)
    if template not in sentences:
        raise DomainError(_("Choose one of the listed reasons."))
    text = text.strip()
    if template == "other":
        if not text:
            raise DomainError(_("Explain the reason in your own words."))
        return text
    return f"{sentences[template]}\n\n{text}".strip()


@dataclass
class Result:
    """What one proposal of a bulk decision got."""

    proposal: Proposal
    ok: bool
    message: str = ""
    grant: Grant | None = None


BULK_DECISIONS = ("approve", "reject")


def bulk_decide(proposals, *, actor, decision: str, reason: str = "") -> list[Result]:
    """Approve (each at its requested amount) or reject (with ``reason``) several proposals.

    One service call per proposal, each in its own transaction, so one that fails (budget
    exceeded, already decided) leaves the others decided; the result says what each got.
    """
    if decision not in BULK_DECISIONS:
        raise ValueError(f"Unknown decision: {decision}")
    results = []
    for proposal in proposals:
        try:
            if decision == "approve":
                grant = approve_proposal(proposal, actor=actor)
                results.append(Result(proposal, True, _("Approved"), grant))
            else:
                reject_proposal(proposal, actor=actor, reason=reason)
                results.append(Result(proposal, True, _("Rejected")))
        except (DomainError, PermissionDenied) as error:
            results.append(Result(proposal, False, str(error)))
        proposal.refresh_from_db()
    return results


# --- Organisation validation by the partner --------------------------------------------------


def issue_tokens(programme: CountryProgramme, *, actor, count: int = 1, email: str = ""):
    """A manager issues ``count`` validation tokens; with ``email`` they are sent there too,
    through the notification outbox (a mail server failing delays the mail, never the codes)."""
    require(actor, "programme.decide", programme)
    if not 1 <= count <= 500:
        raise DomainError(_("Issue between 1 and 500 tokens at a time."))
    with transaction.atomic():
        tokens = issue_validation_tokens(programme, actor=actor, count=count, email=email)
        if email:
            codes = [token.code for token in tokens]
            notify_validation_codes(programme, codes, email=email, actor=actor)
    return tokens


def decide_organisation(organisation, edition, *, actor, validated: bool, reason: str = ""):
    """A manager of the organisation's country validates it or refuses it with a reason."""
    programme = CountryProgramme.objects.filter(
        edition=edition, country=organisation.country
    ).first()
    if programme is None:
        raise DomainError(_("This edition does not run in the organisation's country."))
    require(actor, "programme.decide", programme)
    return decide_validation(organisation, edition, actor=actor, validated=validated, reason=reason)


# --- The yearly cycle -------------------------------------------------------------------------

#: What a country programme carries into the next edition (``reserved`` starts at 0 there).
PROGRAMME_COPIED = (
    "country",
    "partner_id",
    "currency",
    "budget",
    "max_grant",
    "min_participants",
    "min_duration_minutes",
    "payment_timing",
    "report_deadline_hours",
    "languages",
    "donation_receipt_required",
    "conditions",
    "returning_organisations",
)
COUNTRY_TEXT_COPIED = ("language", "conditions", "extra_notes", "letter_text", "partner_contact")


class NextEditionExists(DomainError):
    """The edition after this one (its year or its code) has been opened already."""


def open_next_edition(edition: Edition, *, actor) -> Edition:
    """Open next year's edition from ``edition``, in one step, for programme staff.

    The new edition's windows are a year later (the deadline at the same local time); its
    country programmes keep their partner, budget (nothing reserved yet), rules, languages and
    texts; the review criteria and the extra questions still asked (not hidden, with their
    choices) are copied. Proposals, validations and tokens stay with their
    edition, and ``edition`` itself is not changed. Refused when the next year or code exists.
    """
    require(actor, "programme.configure")
    with transaction.atomic():
        # Two runs at once are served one after the other; the second then finds the first's.
        Edition.objects.select_for_update().get(pk=edition.pk)
        new = Edition.objects.create(**check_next_edition_free(edition))
        programmes = _copy_programmes(edition, new)
        texts = get_translation_fields("name", "description")  # every language's text
        criteria = ReviewCriterion.objects.bulk_create(
            ReviewCriterion(edition=new, position=c.position, **{f: getattr(c, f) for f in texts})
            for c in edition.criteria.all()
        )
        questions = _copy_questions(edition, new)
        data = {
            "from": edition.code,
            "programmes": len(programmes),
            "criteria": len(criteria),
            "questions": questions,
        }
        audit.record(new, actor=actor, action=Action.EDITION_OPEN_NEXT, data=data)
    return new


QUESTION_COPIED = (
    "country", "form", "section", "kind", "required", "min_value", "max_value", "position",
)  # fmt: skip


def _copy_questions(edition: Edition, new: Edition) -> int:
    """The edition's extra questions still asked, with their choices, in every language; the
    answers stay with the old edition's questions."""
    texts = get_translation_fields("text", "help_text")
    labels = get_translation_fields("label")
    old = list(edition.questions.filter(hidden=False).prefetch_related("choices"))
    copies = Question.objects.bulk_create(
        Question(edition=new, **{name: getattr(q, name) for name in (*QUESTION_COPIED, *texts)})
        for q in old
    )
    QuestionChoice.objects.bulk_create(
        QuestionChoice(
            question=copy, position=choice.position, **{f: getattr(choice, f) for f in labels}
        )
        for question, copy in zip(old, copies, strict=True)
        for choice in question.choices.all()
    )
    return len(copies)


def next_edition_fields(edition: Edition) -> dict:
    """The next edition's own fields: year, name, code and windows a year later, the rest kept."""
    return {
        "year": edition.year + 1,
        "name": next_edition_name(edition.name, edition.year),
        "code": next_edition_code(edition.code, edition.year),
        "applications_open": a_year_later(edition.applications_open),
        "application_deadline": a_year_later_at_same_local_time(edition.application_deadline),
        "event_start": a_year_later(edition.event_start),
        "event_end": a_year_later(edition.event_end),
        "max_grant": edition.max_grant,
        "min_age": edition.min_age,
        "max_age": edition.max_age,
    }


def next_edition_name(name: str, year: int) -> str:
    """The year in the name moves on by one ("Meet and Code <year>"); a name without its year
    gets next year's at its end."""
    if str(year) in name:
        return name.replace(str(year), str(year + 1))
    return f"{name[:95]} {year + 1}"


def next_edition_code(code: str, year: int) -> str:
    """MC24 -> MC25: the year in the code (two or four digits, the last one) moves on by one;
    a code without its year gets next year's two digits, within the field's eight characters."""
    for old, new in ((f"{year}", f"{year + 1}"), (f"{year % 100:02d}", f"{(year + 1) % 100:02d}")):
        head, found, tail = code.rpartition(old)
        if found:
            return f"{head}{new}{tail}"
    return f"{code[:6]}{(year + 1) % 100:02d}"


def a_year_later(day: date) -> date:
    """The same day next year; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def a_year_later_at_same_local_time(moment: datetime) -> datetime:
    """A year later at the same clock time in the programme's time zone (TIME_ZONE), whether
    summer time holds on that day or not."""
    local = timezone.localtime(moment)
    return datetime.combine(a_year_later(local.date()), local.time(), tzinfo=local.tzinfo)


def check_next_edition_free(edition: Edition) -> dict:
    """The next edition's fields (``next_edition_fields``); raises ``NextEditionExists`` when
    its year or its code is taken already."""
    fields = next_edition_fields(edition)
    found = Edition.objects.filter(Q(year=fields["year"]) | Q(code=fields["code"])).first()
    if found is not None:
        raise NextEditionExists(
            _("The next edition exists already: %(edition)s (%(year)s, %(code)s). Edit it instead.")
            % {"edition": found.name, "year": found.year, "code": found.code}
        )
    return fields


def _copy_programmes(edition: Edition, new: Edition) -> list[CountryProgramme]:
    old = list(edition.country_programmes.order_by("pk"))
    copies = CountryProgramme.objects.bulk_create(_programme_copy(p, new) for p in old)
    _copy_country_pages({p.pk: copy for p, copy in zip(old, copies, strict=True)})
    return copies


def _programme_copy(programme: CountryProgramme, new: Edition) -> CountryProgramme:
    fields = {name: getattr(programme, name) for name in PROGRAMME_COPIED}
    fields["languages"] = list(programme.languages or [])
    deadline = programme.application_deadline
    moved = a_year_later_at_same_local_time(deadline) if deadline else None
    return CountryProgramme(edition=new, application_deadline=moved, **fields)


def _copy_country_pages(twins: dict[int, CountryProgramme]) -> None:
    """Each programme's country page and its texts in every language, onto its copy."""
    pages = list(
        CountryInfo.objects.filter(country_programme_id__in=twins).prefetch_related("texts")
    )
    copies = CountryInfo.objects.bulk_create(
        CountryInfo(
            country_programme=twins[page.country_programme_id],
            conditions=page.conditions,
            extra_notes=page.extra_notes,
        )
        for page in pages
    )
    CountryText.objects.bulk_create(
        CountryText(info=copy, **{name: getattr(text, name) for name in COUNTRY_TEXT_COPIED})
        for page, copy in zip(pages, copies, strict=True)
        for text in page.texts.all()
    )
