"""Review, grants, award letters and payments; the public FAQ.

The programme's structure they work within (editions, country programmes, criteria, country
texts) is in ``programmes.models``."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.money import CURRENCIES, MONEY
from meetandcode.kernel.storage import private_storage
from programmes.models import CountryProgramme, ReviewCriterion


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


class FaqEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class FaqEntry(models.Model):
    """One question and answer of the public FAQ, in every language of the site (a column per
    language, grants/translation.py); a missing translation shows the English text."""

    question = models.CharField(_("question"), max_length=240)
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.question


class IntegritySignal(models.Model):
    """Something a careful reader would catch across proposals, found in the database
    (grants.integrity): never blocking, shown to partner staff only. At most one per proposal
    and kind, replaced whenever the proposal's signals are computed again."""

    class Kind(models.TextChoices):
        BANK_ACCOUNT = "bank_account", _("Same bank account")
        CONTACT = "contact", _("Same contact")
        SIMILAR_TEXT = "similar_text", _("Nearly identical text")
        VENUE_OVERLAP = "venue_overlap", _("Same venue, same time")
        OVER_LIMIT = "over_limit", _("Over the country's limit")

    proposal = models.ForeignKey(
        "events.Proposal",
        on_delete=models.CASCADE,
        related_name="signals",
        verbose_name=_("proposal"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # What was found, at most a few items: {"proposal": id, "organisation": id, "what": [...]}
    related = models.JSONField(_("what was found"), default=list)
    related_count = models.PositiveIntegerField(_("how many were found"), default=0)
    # Figures the explanation gives (the limits: how many proposals, how many allowed)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # A digest of everything found: a check holds while it is the same (SignalCheck)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("integrity signal")
        verbose_name_plural = _("integrity signals")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="signal_one_per_kind")
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.kind}"


class SignalCheck(models.Model):
    """A reviewer looked into a signal and found it fine, with a note. It holds for what was
    found then (``fingerprint``): something new found later opens the signal again."""

    proposal = models.ForeignKey(
        "events.Proposal",
        on_delete=models.CASCADE,
        related_name="signal_checks",
        verbose_name=_("proposal"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IntegritySignal.Kind)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    note = models.TextField(_("note"), max_length=1000)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("integrity signal check")
        verbose_name_plural = _("integrity signal checks")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="signal_check_one_per_kind")
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.kind} checked"
