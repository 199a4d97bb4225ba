"""Editions, country programmes and their budgets, review, grants and payments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

CURRENCIES = [("EUR", "EUR"), ("GBP", "GBP"), ("PLN", "PLN"), ("RON", "RON"), ("UAH", "UAH")]
MONEY = {"max_digits": 12, "decimal_places": 2}


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

    class Meta:
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


class ReviewCriterion(models.Model):
    """One criterion an edition's proposals are scored on, 1 to 5."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="criterion_unique_per_edition")
        ]

    def __str__(self):
        return self.name


class Review(models.Model):
    """One reviewer's view of a proposal: scores and a comment, or a declared conflict."""

    proposal = models.ForeignKey(
        "events.Proposal",
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("proposal"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_one_per_reviewer")
        ]

    def __str__(self):
        names = {"person": self.reviewer, "proposal": self.proposal_id}
        return _("%(person)s on %(proposal)s") % names


class ReviewScore(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class _PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used (so tests can point it elsewhere)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def private_storage():
    """The storage of files never served by a public URL (award letters): a callable, so
    migrations name it instead of freezing its location."""
    return _private_storage


class Grant(models.Model):
    """The approved amount reserved from a country budget, with its reference and payment.

    The amount can never exceed the country programme's max grant: a database trigger refuses it
    (see migration grants 0003), on PostgreSQL and SQLite alike.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Not paid yet")
        PAID = "paid", _("Paid")

    proposal = models.OneToOneField(
        "events.Proposal",
        on_delete=models.PROTECT,
        related_name="grant",
        verbose_name=_("proposal"),
    )
    country_programme = models.ForeignKey(
        CountryProgramme,
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("country programme"),
    )
    sequence = models.PositiveIntegerField(_("sequence number"))
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    award_letter_language = models.CharField(_("award letter language"), max_length=8, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=10, choices=PaymentStatus, default=PaymentStatus.UNPAID
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("paid amount"), null=True, blank=True, **MONEY)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    # The organisation's donation receipt, where the country programme asks for one: private,
    # checked by its content on upload (grants/payments.py), served by a permission-checked view.
    donation_receipt = models.FileField(
        _("donation receipt"),
        storage=private_storage,
        upload_to="donation-receipts/%Y/",
        max_length=200,
        blank=True,
    )
    donation_receipt_name = models.CharField(
        _("donation receipt file name"), max_length=200, blank=True
    )
    donation_receipt_type = models.CharField(
        _("donation receipt file type"), max_length=100, blank=True
    )
    donation_receipt_uploaded_at = models.DateTimeField(
        _("donation receipt uploaded at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-approved_at"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["country_programme", "sequence"], name="grant_sequence_unique_per_programme"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "cancelled"]), name="grant_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_status="unpaid")
                | Q(paid_on__isnull=False, paid_amount__isnull=False),
                name="grant_paid_has_date_and_amount",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True)
                | Q(paid_amount__gt=0, paid_amount__lte=F("amount")),
                name="grant_paid_amount_within_grant",
            ),
        ]

    def __str__(self):
        return self.reference


class ProposalComment(models.Model):
    """A note of partner staff on a proposal: internal, or sent to the applicant."""

    proposal = models.ForeignKey(
        "events.Proposal",
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("proposal"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    to_applicant = models.BooleanField(
        _("send to the applicant"),
        default=False,
        help_text=_("The applicant sees it on their proposal page; otherwise only partner staff."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("proposal comment")
        verbose_name_plural = _("proposal comments")
        indexes = [models.Index(fields=["proposal", "to_applicant"])]

    def __str__(self):
        names = {"person": self.author, "proposal": self.proposal_id}
        return _("%(person)s on %(proposal)s") % names


class AwardLetter(models.Model):
    """One version of a grant's award letter (PDF), stored privately.

    A new version is built when the facts the letter states change (the amount, above all); the
    earlier ones stay, marked superseded, so their verification code still answers truthfully.
    ``code`` is printed on the letter and opens its public verification page.
    """

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="letters", verbose_name=_("grant")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to="letters/%Y/")
    language = models.CharField(_("language"), max_length=8)
    # What the letter says, as issued: the verification page shows these, not today's grant.
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("Hash of the facts the letter states.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    superseded = models.BooleanField(_("superseded"), default=False)

    class Meta:
        ordering = ["grant", "-version"]
        verbose_name = _("award letter")
        verbose_name_plural = _("award letters")
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="letter_version_unique"),
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(superseded=False),
                name="letter_one_current_per_grant",
            ),
        ]

    def __str__(self):
        return f"{self.grant_id} v{self.version}"


# --- Public content edited without a deployment -----------------------------------------------


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
        verbose_name = _("country page")
        verbose_name_plural = _("country pages")

    def __str__(self):
        return str(self.country_programme)


class CountryText(models.Model):
    """A country page's texts in one language: one of the country's languages, or English.

    Read through ``grants.country_content.text_for``, which falls back to the country's first
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
        from .country_content import text_languages

        if self.info_id and self.language:
            allowed = text_languages(self.info.country_programme)
            if self.language not in allowed:
                raise ValidationError(
                    {
                        "language": _("Write this country's texts in %(languages)s.")
                        % {"languages": ", ".join(allowed)}
                    }
                )


class FaqEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class FaqEntry(models.Model):
    """One question and answer of the public FAQ, in one language."""

    question = models.CharField(_("question"), max_length=240)
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        help_text=_("Language code of the question and answer, e.g. en, de, fr."),
    )
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        ordering = ["language", "order", "id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.question
