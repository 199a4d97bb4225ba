"""Proposals, their budget lines, the public events they become, and reports after the event."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from grants.models import CURRENCIES, MONEY


class Format(models.TextChoices):
    HACKATHON = "hackathon", _("Hackathon")
    WORKSHOP = "workshop", _("Coding workshop")
    CONFERENCE = "conference", _("Conference")
    FILM = "film", _("Film event")
    COMPETITION = "competition", _("Competition")
    CODING_NIGHT = "coding_night", _("Coding night")
    ROBOTICS = "robotics", _("Robotics course")
    OTHER = "other", _("Other")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class CostCategory(models.TextChoices):
    """The eligible cost categories of the programme's rules."""

    TRAINER = "trainer", _("Trainer fees")
    SOFTWARE = "software", _("Software licences")
    MATERIALS = "materials", _("Learning materials and their shipping")
    PROMOTION = "promotion", _("Promotion")
    TECH_HELP = "tech_help", _("External technical help")
    VENUE = "venue", _("Venue rent (where technically needed)")


class FocusGroup(models.Model):
    """A group the programme wants to reach, e.g. girls, refugees, underserved youth."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Language(models.Model):
    """A language an event is held in (ISO 639-1 code)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProposalQuerySet(models.QuerySet):
    def in_state(self, *states):
        return self.filter(status__in=states)

    def for_organisations_of(self, user):
        return self.filter(
            organisation__memberships__user=user, organisation__memberships__status="active"
        )


class Proposal(models.Model):
    """An organisation's application for one event.

    Its state changes only through the service functions in events/services.py and
    grants/services.py, which check the transition against TRANSITIONS below.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="proposals"
    )
    country_programme = models.ForeignKey(
        "grants.CountryProgramme", on_delete=models.PROTECT, related_name="proposals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)

    # The event
    title = models.CharField(_("title"), max_length=120, blank=True)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format, blank=True)
    delivery = models.CharField(
        _("in person or online"), max_length=10, choices=Delivery, default=Delivery.IN_PERSON
    )
    # Who it is for
    age_min = models.PositiveSmallIntegerField(_("youngest participants"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("oldest participants"), null=True, blank=True)
    expected_participants = models.PositiveIntegerField(
        _("expected participants"), null=True, blank=True
    )
    focus_groups = models.ManyToManyField(FocusGroup, blank=True, verbose_name=_("focus groups"))
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    # Where and when
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("net duration (minutes)"), null=True, blank=True
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    location_is_approximate = models.BooleanField(
        default=False, help_text=_("Placed at the town's centre, not at the venue.")
    )
    # Budget
    requested_amount = models.DecimalField(_("requested amount"), default=0, **MONEY)
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="EUR")
    # Declarations
    free_for_participants = models.BooleanField(_("free for all participants"), default=False)
    accepts_conditions = models.BooleanField(_("accepts the conditions"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["country_programme", "status"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "changes_requested",
                        "approved",
                        "rejected",
                        "withdrawn",
                        "cancelled",
                    ]
                ),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="proposal_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(starts_at__lte=F("ends_at")),
                name="proposal_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="proposal_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="proposal_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="proposal_longitude_range",
            ),
        ]

    def __str__(self):
        return self.title or str(_("Untitled proposal"))


S = Proposal.Status

# action -> (states it may start from, state it leads to). The only place transitions are defined.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    "request_changes": (frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED),
    "reject": (frozenset({S.SUBMITTED, S.CHANGES_REQUESTED}), S.REJECTED),
    "withdraw": (frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED}), S.WITHDRAWN),
    "cancel": (frozenset({S.APPROVED}), S.CANCELLED),
}


class BudgetLine(models.Model):
    """One line of a proposal's budget in an eligible cost category."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory)
    description = models.CharField(_("what it pays for"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    actual_amount = models.DecimalField(_("actual cost"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="budgetline_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "trainer",
                        "software",
                        "materials",
                        "promotion",
                        "tech_help",
                        "venue",
                    ]
                ),
                name="budgetline_category_eligible",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount}"


class Event(models.Model):
    """The public face of an approved proposal: public fields only, nothing personal."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="event")
    slug = models.SlugField(max_length=80)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    title = models.CharField(max_length=120)
    description = models.TextField()
    organisation_name = models.CharField(max_length=200)
    organisation_website = models.URLField(blank=True)
    country = CountryField(db_index=True)
    city = models.CharField(max_length=100, blank=True)
    venue_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    location_is_approximate = models.BooleanField(default=False)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=20, choices=Format)
    delivery = models.CharField(max_length=10, choices=Delivery)
    age_min = models.PositiveSmallIntegerField()
    age_max = models.PositiveSmallIntegerField()
    language_codes = models.CharField(max_length=60, blank=True)
    focus_group_codes = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lte=F("ends_at")), name="event_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.title


class Report(models.Model):
    """What the organisation tells after the event; verified by the partner."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="report")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    participants_total = models.PositiveIntegerField(default=0)
    age_under_8 = models.PositiveIntegerField(default=0)
    age_8_12 = models.PositiveIntegerField(default=0)
    age_13_16 = models.PositiveIntegerField(default=0)
    age_17_24 = models.PositiveIntegerField(default=0)
    age_over_24 = models.PositiveIntegerField(default=0)
    gender_female = models.PositiveIntegerField(_("girls and women"), default=0)
    gender_male = models.PositiveIntegerField(_("boys and men"), default=0)
    gender_other = models.PositiveIntegerField(_("another or not stated"), default=0)
    refugees = models.PositiveIntegerField(default=0)
    migration_background = models.PositiveIntegerField(default=0)
    disability = models.PositiveIntegerField(default=0)
    low_income = models.PositiveIntegerField(default=0)
    no_own_device = models.PositiveIntegerField(default=0)
    deprived_area = models.PositiveIntegerField(default=0)
    first_contact_with_coding = models.PositiveIntegerField(default=0)
    only_possible_thanks_to_grant = models.BooleanField(null=True)
    went_well = models.TextField(blank=True)
    went_badly = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A draft may be incomplete; anything handed in must add up.
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    participants_total=F("age_under_8")
                    + F("age_8_12")
                    + F("age_13_16")
                    + F("age_17_24")
                    + F("age_over_24"),
                    participants_total__gt=0,
                ),
                name="report_age_bands_add_up",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(participants_total=F("gender_female") + F("gender_male") + F("gender_other")),
                name="report_genders_add_up",
            ),
        ]

    def __str__(self):
        return f"Report on {self.proposal}"
