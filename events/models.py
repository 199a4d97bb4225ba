"""Proposals, their budget lines, the public events they become, and reports after the event."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from meetandcode.kernel.money import CURRENCIES, MONEY
from meetandcode.kernel.storage import private_storage
from organisations.models import active_member_q

from .uploads import library_file_problem


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

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("focus group")
        verbose_name_plural = _("focus groups")

    def __str__(self):
        return self.name


def language_name(code: str, default: str = "") -> str:
    """A language's name in the active language: Django's own translated name (it knows every
    code the demo and the programme's countries use), else ``default`` (the stored English name)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return default or code


class Language(models.Model):
    """A language an event is held in (ISO 639-1 code); shown by its name in the active
    language (``language_name``), the stored ``name`` when Django does not know the code."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return language_name(self.code, self.name)


class ProposalQuerySet(models.QuerySet):
    def of_member(self, user):
        """The proposals of the organisations ``user`` is an active member of."""
        return self.filter(active_member_q(user, prefix="organisation__memberships__"))


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
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("organisation"),
    )
    country_programme = models.ForeignKey(
        "programmes.CountryProgramme",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("country programme"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )

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
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    location_is_approximate = models.BooleanField(
        _("approximate location"),
        default=False,
        help_text=_("Placed at the town's centre, not at the venue."),
    )
    # Budget
    requested_amount = models.DecimalField(_("requested amount"), default=0, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    # Declarations
    free_for_participants = models.BooleanField(_("free for all participants"), default=False)
    accepts_conditions = models.BooleanField(_("accepts the conditions"), default=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
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

# What follows from TRANSITIONS (never restate its states elsewhere):
#: the applicant edits the proposal in the states it can be submitted from;
EDITABLE: frozenset[str] = TRANSITIONS["submit"][0]
#: the partner reviews it while a decision on it can still be taken.
DECISIONS = ("request_changes", "approve", "reject")
REVIEWABLE: frozenset[str] = frozenset().union(*(TRANSITIONS[a][0] for a in DECISIONS))


def allows(status: str, action: str) -> bool:
    """Whether a proposal in ``status`` may take ``action`` (a key of TRANSITIONS)."""
    return status in TRANSITIONS[action][0]


class BudgetLine(models.Model):
    """One line of a proposal's budget in an eligible cost category."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("proposal")
    )
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory)
    description = models.CharField(_("what it pays for"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    actual_amount = models.DecimalField(_("actual cost"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
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

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="event", verbose_name=_("proposal")
    )
    # The proposal's edition, kept here so that the map and the feeds filter by edition without
    # reading proposals.
    edition = models.ForeignKey(
        "programmes.Edition",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("edition"),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    organisation_name = models.CharField(_("organisation"), max_length=200)
    organisation_website = models.URLField(_("organisation's website"), blank=True)
    country = CountryField(_("country"), db_index=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    location_is_approximate = models.BooleanField(_("approximate location"), default=False)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=20, choices=Format)
    delivery = models.CharField(_("in person or online"), max_length=10, choices=Delivery)
    age_min = models.PositiveSmallIntegerField(_("youngest participants"))
    age_max = models.PositiveSmallIntegerField(_("oldest participants"))
    language_codes = models.CharField(_("language codes"), max_length=60, blank=True)
    focus_group_codes = models.CharField(_("focus group codes"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lte=F("ends_at")), name="event_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["edition", "starts_at"], name="event_edition_starts")]

    def __str__(self):
        return self.title


class Report(models.Model):
    """What the organisation tells after the event; verified by the partner."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="report", verbose_name=_("proposal")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    participants_total = models.PositiveIntegerField(_("participants in total"), default=0)
    age_under_8 = models.PositiveIntegerField(_("under 8"), default=0)
    age_8_12 = models.PositiveIntegerField(_("aged 8 to 12"), default=0)
    age_13_16 = models.PositiveIntegerField(_("aged 13 to 16"), default=0)
    age_17_24 = models.PositiveIntegerField(_("aged 17 to 24"), default=0)
    age_over_24 = models.PositiveIntegerField(_("over 24"), default=0)
    gender_female = models.PositiveIntegerField(_("girls and women"), default=0)
    gender_male = models.PositiveIntegerField(_("boys and men"), default=0)
    gender_other = models.PositiveIntegerField(_("another or not stated"), default=0)
    refugees = models.PositiveIntegerField(_("refugees"), default=0)
    migration_background = models.PositiveIntegerField(_("with a migration background"), default=0)
    disability = models.PositiveIntegerField(_("with a disability"), default=0)
    low_income = models.PositiveIntegerField(_("from a low-income household"), default=0)
    no_own_device = models.PositiveIntegerField(_("without a device of their own"), default=0)
    deprived_area = models.PositiveIntegerField(_("from a socially deprived area"), default=0)
    first_contact_with_coding = models.PositiveIntegerField(
        _("met coding for the first time"), default=0
    )
    only_possible_thanks_to_grant = models.BooleanField(
        _("only possible thanks to the grant"), null=True
    )
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what did not go well"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
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
        return _("Report on %(proposal)s") % {"proposal": self.proposal}


# --- The inspiration library ----------------------------------------------------------------

RESOURCE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "docx", "pptx", "odt"]
RESOURCE_MAX_BYTES = 20 * 1024 * 1024


def validate_resource_size(upload) -> None:
    if upload.size > RESOURCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the library takes files of up to 20 MB."),
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    # The content must match the extension (magic bytes; zip bombs refused): events/uploads.py
    if getattr(upload, "_committed", False):  # already stored (checked when it came in)
        return
    problem = library_file_problem(upload)
    if problem:
        raise ValidationError(problem, code="bad_content")


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Resource(models.Model):
    """A guide, lesson plan, video, toolkit or story in the public inspiration library.

    Public content that programme and partner staff edit in the admin: an uploaded file is served
    by the library's own view, and only while the resource is published.
    """

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        LESSON_PLAN = "lesson_plan", _("Lesson plan")
        VIDEO = "video", _("Video")
        TOOLKIT = "toolkit", _("Toolkit")
        STORY = "story", _("Story")

    class AgeBand(models.TextChoices):
        AGES_8_12 = "8-12", _("8 to 12 years")
        AGES_13_16 = "13-16", _("13 to 16 years")
        AGES_17_24 = "17-24", _("17 to 24 years")
        ALL = "all", _("All ages")

    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("summary"), max_length=1000)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    format = models.CharField(
        _("event format"),
        max_length=20,
        choices=Format,
        blank=True,
        help_text=_("The kind of event it helps with; leave empty if it suits any."),
    )
    age_band = models.CharField(_("ages"), max_length=8, choices=AgeBand, default=AgeBand.ALL)
    language = models.CharField(
        _("language"), max_length=8, default="en", help_text=_("Language code, e.g. en, de, fr.")
    )
    url = models.URLField(
        _("link"), blank=True, help_text=_("Where the resource is online. Or upload a file.")
    )
    file = models.FileField(
        _("file"),
        upload_to="library/%Y/",
        blank=True,
        validators=[FileExtensionValidator(RESOURCE_EXTENSIONS), validate_resource_size],
        help_text=_("PDF, PNG, JPG, DOCX, PPTX or ODT, up to 20 MB. Or give a link."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown in the public library.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("library resource")
        verbose_name_plural = _("library resources")
        indexes = [models.Index(fields=["published", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="resource_has_link_or_file"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not self.url and not self.file:
            raise ValidationError(
                {"url": _("Give a link to the resource or upload its file.")}, code="missing"
            )


# --- Reminders sent by the periodic tasks (grants/reminders.py) ----------------------------


class Reminder(models.Model):
    """A reminder sent about a proposal, kept so the periodic tasks send each one exactly once.

    The report series is ``report_due`` (number 1), then ``report_overdue`` (numbers 2 and 3):
    the unique constraint with the check below lets the database refuse a fourth.
    """

    class Kind(models.TextChoices):
        REPORT_DUE = "report_due", _("Report due")
        REPORT_OVERDUE = "report_overdue", _("Report overdue")
        DRAFT_DEADLINE = "draft_deadline", _("Application deadline near")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("proposal")
    )
    number = models.PositiveSmallIntegerField(
        _("number in the series"), help_text=_("Its place in the series, from 1.")
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "proposal", "number"], name="reminder_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="report_due", number=1)
                | Q(kind="report_overdue", number__in=[2, 3])
                | Q(kind="draft_deadline", number=1),
                name="reminder_number_in_series",
            ),
        ]

    def __str__(self):
        return _("%(kind)s #%(number)s for %(proposal)s") % {
            "kind": self.kind,
            "number": self.number,
            "proposal": self.proposal_id,
        }


# --- Files attached to a report (events/uploads.py checks them) -----------------------------


def report_file_path(instance, filename: str) -> str:
    """Where a report's file is stored: a name the server made (events/uploads.py), never the
    uploader's."""
    return f"reports/{instance.report_id}/{filename}"


class ReportFile(models.Model):
    """A receipt or a photo of a report, stored privately and served only through a checked view.

    Photos are re-encoded without any metadata on upload; a photo needs the declaration that
    everyone shown agreed, and only photos the organisation marked public reach the event page.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        PHOTO = "photo", _("Photo")

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="files", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=report_file_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    public = models.BooleanField(_("may be shown on the public event page"), default=False)
    consent = models.BooleanField(_("everyone shown agreed to the photo being used"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["receipt", "photo"]), name="reportfile_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="receipt") | Q(consent=True), name="reportfile_photo_consent"
            ),
            models.CheckConstraint(
                condition=Q(kind="photo") | Q(public=False), name="reportfile_receipt_private"
            ),
        ]

    def __str__(self):
        return self.original_name


class Answer(models.Model):
    """A proposal's answer to one of its edition's extra questions (programmes.Question), the
    application's or the report's. ``value`` holds it as plain JSON: text, a number as a string,
    an ISO date, a yes/no, or the ids of the chosen QuestionChoice rows; a file answer is
    ``file``. The question is protected: once answered it cannot be deleted."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="answers", verbose_name=_("proposal")
    )
    question = models.ForeignKey(
        "programmes.Question",
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="answers/%Y/", max_length=200, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "question"], name="answer_one_per_question")
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.question_id}"
