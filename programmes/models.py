"""The programme's structure: editions, the country programmes with their budgets, the review
criteria and the country pages' texts.

The lowest app: proposals, organisations' validation and grants all belong to an edition and a
country programme, so this app imports none of them. A country programme names its national
partner by a lazy reference ("organisations.Partner"), without importing organisations. The
tables keep the names they had in grants (``db_table``), where these models began.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from meetandcode.kernel.money import CURRENCIES, MONEY


class EditionQuerySet(models.QuerySet):
    def current(self, now=None) -> "Edition | None":
        """The edition the programme is living now, decided by the dates alone: the one whose call
        is open (the latest opened, if calls overlap), else the one whose events are running,
        else the next to open, else the last to have ended. Never "the latest year"."""
        return current_of(list(self), now)

    def next_call(self, now=None) -> "Edition | None":
        """The next edition whose call has not opened yet (for "the next call opens on ...")."""
        today = timezone.localdate(now or timezone.now())
        return self.filter(applications_open__gt=today).order_by("applications_open").first()


def current_of(editions: list["Edition"], now=None) -> "Edition | None":
    """``EditionQuerySet.current`` over editions already loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calls = [e for e in editions if e.call_is_open(now)]
    if calls:
        return max(calls, key=lambda e: (e.applications_open, e.pk))
    running = [e for e in editions if e.event_start <= today <= e.event_end]
    if running:
        return max(running, key=lambda e: (e.event_start, e.pk))
    coming = [e for e in editions if e.applications_open > today]
    if coming:
        return min(coming, key=lambda e: (e.applications_open, e.pk))
    return max(editions, key=lambda e: (e.event_end, e.pk), default=None)


class Edition(models.Model):
    """One season of the programme: its windows, the grant ceiling and the age range."""

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Prefix of grant references, e.g. MC24.")
    )
    applications_open = models.DateField(_("applications open"))
    application_deadline = models.DateTimeField(_("application deadline"))
    event_start = models.DateField(_("events from"))
    event_end = models.DateField(_("events until"))
    max_grant = models.DecimalField(_("maximum grant per event (EUR)"), **MONEY)
    min_age = models.PositiveSmallIntegerField(_("youngest participants"), default=8)
    max_age = models.PositiveSmallIntegerField(_("oldest participants"), default=24)

    objects = EditionQuerySet.as_manager()

    class Meta:
        db_table = "grants_edition"
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(event_start__lte=F("event_end")), name="edition_event_window_ordered"
            ),
            models.CheckConstraint(condition=Q(max_grant__gt=0), name="edition_max_grant_positive"),
            models.CheckConstraint(
                condition=Q(min_age__lte=F("max_age")), name="edition_age_range_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def call_is_open(self, now=None) -> bool:
        """Whether the edition's call takes proposals now (a country may close earlier)."""
        now = now or timezone.now()
        opened = self.applications_open <= timezone.localdate(now)
        return opened and now <= self.application_deadline

    def events_over(self, now=None) -> bool:
        """Whether the edition's last event day has passed: its proposals no longer change."""
        return self.event_end < timezone.localdate(now or timezone.now())

    def phase(self, now=None) -> str:
        """Where the call stands: "upcoming" (announced, not open yet), "open" or "closed"."""
        now = now or timezone.now()
        if timezone.localdate(now) < self.applications_open:
            return "upcoming"
        return "open" if now <= self.application_deadline else "closed"


class CountryProgramme(models.Model):
    """An edition in one country: its partner, budget, currency, minimums and payment timing.

    ``reserved`` is the sum of the approved, not cancelled grants. Services change it with an F()
    update on the locked row, and the database refuses any value above the budget.
    """

    class PaymentTiming(models.TextChoices):
        BEFORE_EVENT = "before_event", _("On approval, before the event")
        AFTER_REPORT = "after_report", _("After the accepted report")

    class ReturningOrganisations(models.TextChoices):
        CHECK_AGAIN = "check_again", _("Checked again in every edition")
        STAY_VALIDATED = "stay_validated", _("Stay validated once validated in an earlier edition")

    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        related_name="country_programmes",
        verbose_name=_("edition"),
    )
    country = CountryField(_("country"))
    partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        related_name="country_programmes",
        verbose_name=_("national partner"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    budget = models.DecimalField(_("budget"), **MONEY)
    reserved = models.DecimalField(_("reserved by approved grants"), default=Decimal("0"), **MONEY)
    max_grant = models.DecimalField(_("maximum grant per event"), **MONEY)
    min_participants = models.PositiveSmallIntegerField(_("minimum participants"), default=10)
    min_duration_minutes = models.PositiveSmallIntegerField(
        _("minimum duration (minutes)"), default=90
    )
    payment_timing = models.CharField(
        _("payment timing"),
        max_length=20,
        choices=PaymentTiming,
        default=PaymentTiming.AFTER_REPORT,
    )
    report_deadline_hours = models.PositiveSmallIntegerField(
        _("report due (hours after the event)"), default=48
    )
    application_deadline = models.DateTimeField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the edition's deadline."),
    )
    languages = models.JSONField(
        _("languages"), default=list, help_text=_('Language codes, e.g. ["fr", "de"].')
    )
    donation_receipt_required = models.BooleanField(_("donation receipt required"), default=False)
    returning_organisations = models.CharField(
        _("returning organisations"),
        max_length=20,
        choices=ReturningOrganisations,
        default=ReturningOrganisations.CHECK_AGAIN,
        help_text=_(
            "Whether an organisation validated in an earlier edition stays validated here, or is "
            "checked again by the national partner."
        ),
    )
    conditions = models.TextField(_("conditions of participation"), blank=True)
    # Limits the reviewers are told about (an integrity signal), never enforced: a partner may
    # fund a sixth event of a club on purpose.
    max_proposals_per_organisation = models.PositiveSmallIntegerField(
        _("proposals per organisation"),
        null=True,
        blank=True,
        help_text=_(
            "Reviewers are told when an organisation hands in more proposals than this in the "
            "edition. Empty: no limit."
        ),
    )
    max_funded_per_organisation = models.PositiveSmallIntegerField(
        _("funded events per organisation"),
        null=True,
        blank=True,
        help_text=_(
            "Reviewers are told when an organisation has more funded events than this in the "
            "edition. Empty: no limit."
        ),
    )

    class Meta:
        db_table = "grants_countryprogramme"
        ordering = ["edition", "country"]
        verbose_name = _("country programme")
        verbose_name_plural = _("country programmes")
        constraints = [
            models.UniqueConstraint(fields=["edition", "country"], name="programme_unique_country"),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="programme_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="programme_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("budget")), name="programme_reserved_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(max_grant__gt=0), name="programme_max_grant_positive"
            ),
        ]

    def __str__(self):
        return f"{self.edition.code} {self.country.code}"

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.reserved

    @property
    def deadline(self):
        return self.application_deadline or self.edition.application_deadline

    def site_languages(self) -> list[str]:
        """The programme's languages the site speaks, in the programme's order; English if
        none."""
        spoken = {code for code, _name in settings.LANGUAGES}
        codes = [code for code in self.languages or [] if code in spoken]
        return list(dict.fromkeys(codes)) or [settings.LANGUAGE_CODE]

    def text_languages(self) -> list[str]:
        """The languages staff may write the country's texts in: its own, and English, the
        programme's common language and the last fallback."""
        return list(dict.fromkeys([*self.site_languages(), settings.LANGUAGE_CODE]))


class ReviewCriterion(models.Model):
    """One criterion an edition's proposals are scored on, 1 to 5."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "grants_reviewcriterion"
        ordering = ["edition", "position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="criterion_unique_per_edition")
        ]

    def __str__(self):
        return self.name


class CountryInfo(models.Model):
    """What a country's public page says beyond the programme's numbers: the conditions of
    participation and any notes, written by programme or partner staff in the admin."""

    country_programme = models.OneToOneField(
        CountryProgramme,
        on_delete=models.CASCADE,
        related_name="info",
        verbose_name=_("country programme"),
    )
    conditions = models.TextField(
        _("conditions of participation"),
        blank=True,
        help_text=_("Shown on the country's public page. One condition per line."),
    )
    extra_notes = models.TextField(
        _("further notes"), blank=True, help_text=_("Anything else applicants should know.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "grants_countryinfo"
        verbose_name = _("country page")
        verbose_name_plural = _("country pages")

    def __str__(self):
        return str(self.country_programme)


class CountryText(models.Model):
    """A country page's texts in one language: one of the country's languages, or English.

    Read through ``programmes.country_content.text_for``, which falls back to the country's first
    language, then English, then the country page's own fields.
    """

    info = models.ForeignKey(
        CountryInfo, on_delete=models.CASCADE, related_name="texts", verbose_name=_("country page")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    conditions = models.TextField(
        _("conditions of participation"),
        blank=True,
        help_text=_("Shown on the country's public page. One condition per line."),
    )
    extra_notes = models.TextField(
        _("further notes"), blank=True, help_text=_("Anything else applicants should know.")
    )
    letter_text = models.TextField(
        _("award letter text"),
        blank=True,
        help_text=_("A paragraph every award letter in this language adds after its opening."),
    )
    partner_contact = models.TextField(
        _("national partner's contact details"),
        blank=True,
        help_text=_("Address, phone, opening hours: how applicants reach the national partner."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "grants_countrytext"
        ordering = ["info", "language"]
        verbose_name = _("country text")
        verbose_name_plural = _("country texts")
        constraints = [
            models.UniqueConstraint(
                fields=["info", "language"], name="countrytext_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.info} ({self.language})"

    def clean(self):
        if self.info_id and self.language:
            allowed = self.info.country_programme.text_languages()
            if self.language not in allowed:
                raise ValidationError(
                    {
                        "language": _("Write this country's texts in %(languages)s.")
                        % {"languages": ", ".join(allowed)}
                    }
                )


class Question(models.Model):
    """An extra question of an edition's application form (or of its post-event report), for
    every country or for one (issue 18). Its texts exist in every language of the site
    (programmes/translation.py; English required). Once answered it cannot be deleted (the
    answers protect it) nor change its kind (``clean``): it can only be hidden for new
    proposals, so that the old answers stay readable."""

    class Form(models.TextChoices):
        PROPOSAL = "proposal", _("Application form")
        REPORT = "report", _("Report")

    class Section(models.TextChoices):
        # The application form's sections (events.forms.SECTIONS; not yet the budget's lines),
        # then the report's.
        EVENT = "event", _("The event")
        AUDIENCE = "audience", _("Who it is for")
        PLACE = "place", _("Where and when")
        DECLARATIONS = "declarations", _("Declarations")
        REPORT = "report", _("The report")

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        SINGLE_CHOICE = "single_choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")
        FILE = "file", _("File")

    CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE})

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="questions", verbose_name=_("edition")
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("Empty: the question is asked in every country.")
    )
    form = models.CharField(_("form"), max_length=10, choices=Form, default=Form.PROPOSAL)
    section = models.CharField(_("section"), max_length=20, choices=Section)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help text"), max_length=1000, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.IntegerField(
        _("smallest number"), null=True, blank=True, help_text=_("Numbers only.")
    )
    max_value = models.IntegerField(
        _("largest number"), null=True, blank=True, help_text=_("Numbers only.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in their section.")
    )
    hidden = models.BooleanField(
        _("hidden for new proposals"),
        default=False,
        help_text=_("The answers given so far stay readable; new proposals no longer ask it."),
    )

    class Meta:
        ordering = ["edition", "form", "section", "position", "pk"]
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
                name="question_min_within_max",
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        errors = {}
        if self.kind != self.Kind.NUMBER and (
            self.min_value is not None or self.max_value is not None
        ):
            errors["min_value"] = _("Only a number has a smallest and a largest value.")
        elif (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("The largest number cannot be below the smallest.")
        if self.pk and self._kind_changed() and self.answers.exists():
            errors["kind"] = _(
                "Proposals have answered this question: its kind cannot change. Hide it and "
                "add a new question instead."
            )
        if errors:
            raise ValidationError(errors)

    def _kind_changed(self) -> bool:
        stored = Question.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        return stored is not None and stored != self.kind


class QuestionChoice(models.Model):
    """One of the answers a choice question offers, in every language of the site."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    label = models.CharField(_("choice"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.label
