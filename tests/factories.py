"""factory-boy factories for the domain model.

The defaults describe the edition of PAST_YEAR (two years before today's: every date of it is in the
past, whatever the day of the year) in Luxembourg (EUR, budget 5000, max grant 500) and a complete,
valid proposal in draft for it. Sequences keep unique fields apart.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from events.models import (
    BudgetLine,
    CostCategory,
    Delivery,
    FocusGroup,
    Format,
    Language,
    Proposal,
    Report,
)
from grants.models import Grant, Review, ReviewScore
from grants.services import grant_reference
from organisations.models import (
    LegalForm,
    MemberInvitation,
    Membership,
    Organisation,
    Partner,
    PartnerStaff,
    User,
)
from organisations.permissions import may
from programmes.models import CountryProgramme, Edition, ReviewCriterion

LUXEMBOURG = ZoneInfo("Europe/Luxembourg")
# The year of the factories' default edition: two years ago, so that its application window and its
# events are over on any day of the current year (and the year after it is over as well).
PAST_YEAR = timezone.localdate().year - 2


def edition_code(year):
    """The code of an edition, as the factories make it: "MC" and the year's last two digits."""
    return f"MC{year % 100:02d}"


PAST_CODE = edition_code(PAST_YEAR)  # the default edition's code, the prefix of grant references
PASSWORD = "a-test-password-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password(PASSWORD)


class LegalFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalForm
        django_get_or_create = ("country", "name")

    country = "LU"
    name = "ASBL"


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A non-profit with a legal form of its own country."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Code Club {n} ASBL")
    country = "LU"
    legal_form = factory.SubFactory(LegalFormFactory, country=factory.SelfAttribute("..country"))
    registration_number = factory.Sequence(lambda n: f"F{n:06d}")
    street = "2, rue du Fossé"
    postcode = "L-1536"
    city = "Luxembourg"
    contact_name = "Camille Weber"
    contact_email = factory.Sequence(lambda n: f"contact{n}@codeclub.example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER
    status = Membership.Status.ACTIVE


class MemberInvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation, valid for 14 days from now."""

    class Meta:
        model = MemberInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    expires_at = factory.LazyFunction(lambda: timezone.now() + MemberInvitation.VALID_FOR)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"National Partner {n}")
    countries = ["LU"]
    contact_email = factory.Sequence(lambda n: f"partner{n}@example.org")


class PartnerStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerStaff

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = PartnerStaff.Role.MANAGER


class EditionFactory(factory.django.DjangoModelFactory):
    """The edition of PAST_YEAR (MCyy): applications 15 April - 30 September, events 17 June - 31
    October."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    year = PAST_YEAR
    name = factory.LazyAttribute(lambda o: f"Meet and Code {o.year}")
    code = factory.LazyAttribute(lambda o: edition_code(o.year))
    applications_open = factory.LazyAttribute(lambda o: dt.date(o.year, 4, 15))
    application_deadline = factory.LazyAttribute(
        lambda o: dt.datetime(o.year, 9, 30, 23, 59, tzinfo=LUXEMBOURG)
    )
    event_start = factory.LazyAttribute(lambda o: dt.date(o.year, 6, 17))
    event_end = factory.LazyAttribute(lambda o: dt.date(o.year, 10, 31))
    max_grant = Decimal("500.00")


class CountryProgrammeFactory(factory.django.DjangoModelFactory):
    """Luxembourg in the default edition: EUR, a budget of 5000 and at most 500 per event."""

    class Meta:
        model = CountryProgramme
        # One programme per edition and country, as the database requires: a second proposal made
        # with the defaults joins the same programme (and the other arguments are then ignored).
        django_get_or_create = ("edition", "country")

    edition = factory.SubFactory(EditionFactory)
    country = "LU"
    partner = factory.SubFactory(
        PartnerFactory, countries=factory.LazyAttribute(lambda o: [o.factory_parent.country])
    )
    currency = "EUR"
    budget = Decimal("5000.00")
    max_grant = Decimal("500.00")
    languages = factory.LazyFunction(lambda: ["fr", "de"])


class FocusGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "fr"
    name = factory.LazyAttribute(lambda o: {"fr": "French", "de": "German"}.get(o.code, o.code))


class ProposalFactory(factory.django.DjangoModelFactory):
    """A complete, valid proposal in draft: a coding workshop in Luxembourg on 14 September of
    the edition's year."""

    class Meta:
        model = Proposal

    organisation = factory.SubFactory(OrganisationFactory)
    country_programme = factory.SubFactory(CountryProgrammeFactory)
    created_by = factory.SubFactory(UserFactory)
    status = Proposal.Status.DRAFT
    title = factory.Sequence(lambda n: f"Scratch workshop {n}")
    description = "Two hours of building games in Scratch, for beginners; laptops provided."
    format = Format.WORKSHOP
    delivery = Delivery.IN_PERSON
    age_min = 10
    age_max = 16
    expected_participants = 20
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime(o.country_programme.edition.year, 9, 14, 10, 0, tzinfo=LUXEMBOURG)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=120))
    duration_minutes = 120
    venue_name = "Bibliothèque municipale"
    address = "3, rue Génistre"
    postcode = "L-1623"
    city = "Luxembourg"
    latitude = Decimal("49.61000")
    longitude = Decimal("6.13000")
    requested_amount = Decimal("400.00")
    currency = "EUR"
    free_for_participants = True
    accepts_conditions = True


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    proposal = factory.SubFactory(ProposalFactory)
    category = CostCategory.TRAINER
    description = "Two trainers, two hours each"
    amount = Decimal("200.00")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.SUBMITTED)
    reviewer = factory.SubFactory(UserFactory)
    comment = "Clear plan, reaches beginners."


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    position = factory.Sequence(lambda n: n)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(
        ReviewCriterionFactory,
        edition=factory.SelfAttribute("..review.proposal.country_programme.edition"),
    )
    score = 4


class GrantFactory(factory.django.DjangoModelFactory):
    """A grant made directly (not through approve_proposal): for tests of the table itself."""

    class Meta:
        model = Grant

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.APPROVED)
    country_programme = factory.SelfAttribute("proposal.country_programme")
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: grant_reference(o.country_programme, o.sequence))
    amount = factory.SelfAttribute("proposal.requested_amount")
    currency = factory.SelfAttribute("country_programme.currency")
    approved_at = factory.LazyFunction(timezone.now)


class ReportFactory(factory.django.DjangoModelFactory):
    """A submitted report whose age bands and genders add up to its 18 participants."""

    class Meta:
        model = Report

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.APPROVED)
    status = Report.Status.SUBMITTED
    participants_total = 18
    age_8_12 = 11
    age_13_16 = 7
    gender_female = 9
    gender_male = 8
    gender_other = 1
    first_contact_with_coding = 12
    only_possible_thanks_to_grant = True


# A moment inside the default edition's application window, for submitting factory proposals.
SUBMIT_MOMENT = dt.datetime(PAST_YEAR, 6, 3, 10, 0, tzinfo=LUXEMBOURG)


def submit_in_window(proposal, *, actor=None):
    """Submit a factory proposal as an applicant would: validated, budgeted, before the deadline,
    by a member of its organisation (``actor`` when they are one, else the first member, else a
    new owner): the service refuses anyone else."""
    from events.services import submit_proposal
    from organisations.models import OrganisationValidation

    OrganisationValidation.objects.update_or_create(
        organisation=proposal.organisation,
        edition=proposal.country_programme.edition,
        defaults={"status": OrganisationValidation.Status.VALIDATED},
    )
    if not proposal.budget_lines.exists():  # the rules ask for the amount to come from lines
        BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
    if actor is None or not may(actor, "proposal.act", proposal):
        actor = member_of(proposal.organisation)
    return submit_proposal(proposal, actor=actor, now=SUBMIT_MOMENT)


def member_of(organisation):
    """An active member of the organisation: the first one, or a new owner."""
    membership = Membership.objects.active(organisation=organisation).order_by("pk").first()
    return (membership or MembershipFactory(organisation=organisation)).user


def with_totp(user):
    """Give the person a TOTP authenticator (allauth MFA), as activating it in the app would."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def log_in_with_second_factor(client, user):
    """Log the test client in as a person who passed the TOTP step of the login (partner staff
    need it for the dashboard, organisations/permissions.py): the session holds the records
    allauth writes after a password and a code. Returns the client. The ``two_factor_login``
    fixture and the benchmarks (bench/queue.py) sign in through this one too."""
    import time
    from types import SimpleNamespace

    from allauth.account.authentication import (
        AUTHENTICATION_METHODS_SESSION_KEY,
        get_authentication_records,
    )

    totp = with_totp(user)
    client.force_login(user)
    session = client.session
    now = time.time()
    records = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": totp.pk, "type": "totp"},
    ]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    # The key naming whose records they are is not exported; allauth's public reader finding
    # them shows the name is still the one allauth uses.
    session["account_authentication_methods_user"] = str(user.pk)
    assert get_authentication_records(SimpleNamespace(session=session), user) == records
    session.save()
    return client
