"""Admin for editions, country programmes, review criteria, reviews and grants.

Programme staff configure editions, countries, budgets and criteria here. What the services own
stays read-only: a country's ``reserved`` sum, and a grant's amount, reference and status (they
move together with the budget, in one locked transaction, with an audit entry).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.admin_kit import (
    LanguagesField,
    TranslatedAdmin,
    TranslatedTabularInline,
    country_filter,
)
from organisations.admin import ViewOnlyAdmin
from organisations.permissions import (
    is_programme_staff,
    may,
    second_factor_redirect,
    visible_programmes,
)
from programmes.models import (
    CountryInfo,
    CountryProgramme,
    CountryText,
    Edition,
    Question,
    QuestionChoice,
    ReviewCriterion,
)

from . import services
from .models import (
    AwardLetter,
    FaqEntry,
    Grant,
    IntegritySignal,
    ProposalComment,
    Review,
    ReviewScore,
    SignalCheck,
)


class CountryProgrammeForm(forms.ModelForm):
    """The admin's form (the ModelAdmin supplies model and fields), with the budget's floor and
    the country's languages ticked among the site's (stored as a JSON list of codes)."""

    languages = LanguagesField(
        label=_("languages"),
        required=False,
        help_text=_(
            "The languages of the country's pages and letters. The first one kept is the "
            "country's main language; English is used when none is ticked."
        ),
    )

    def clean_languages(self):
        return LanguagesField.ordered(self.cleaned_data["languages"], self.instance.languages)

    def clean_budget(self):
        # Say it in words here instead of letting the database's CHECK answer with an error page.
        budget = self.cleaned_data["budget"]
        reserved = self.instance.reserved or 0
        if budget is not None and budget < reserved:
            raise forms.ValidationError(
                _("The budget cannot be less than the %(reserved)s already granted."),
                params={"reserved": reserved},
            )
        return budget


class CountryProgrammeInline(admin.TabularInline):
    model = CountryProgramme
    form = CountryProgrammeForm
    extra = 0
    fields = ("country", "partner", "currency", "budget", "reserved", "max_grant", "payment_timing")
    readonly_fields = ("reserved",)
    show_change_link = True


class ReviewCriterionInline(TranslatedTabularInline):
    model = ReviewCriterion
    extra = 0
    fields = ("position", "name", "description", "missing_translations")
    readonly_fields = ("missing_translations",)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "year",
        "code",
        "applications_open",
        "application_deadline",
        "event_start",
        "event_end",
        "max_grant",
    )
    search_fields = ("name", "code")
    inlines = [CountryProgrammeInline, ReviewCriterionInline]
    actions = ["open_next_edition"]

    def has_open_next_permission(self, request) -> bool:
        """Programme staff who may add editions (the action creates one)."""
        return is_programme_staff(request.user) and self.has_add_permission(request)

    @admin.action(description=_("Open the next edition from this one"), permissions=["open_next"])
    def open_next_edition(self, request, queryset):
        """A confirmation page listing what will be copied; its POST opens the edition."""
        if len(queryset) != 1:
            self.message_user(request, _("Select exactly one edition."), messages.ERROR)
            return None
        edition = queryset[0]
        try:
            fields = services.check_next_edition_free(edition)
            if request.POST.get("confirm") != "yes":
                return self._confirm_next_edition(request, edition, fields)
            missing = second_factor_redirect(request)
            if missing:
                return missing
            new = services.open_next_edition(edition, actor=request.user)
        except services.NextEditionExists as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(request, _("%(edition)s is open for editing.") % {"edition": new})
        return redirect(reverse("admin:programmes_edition_change", args=[new.pk]))

    def _confirm_next_edition(self, request, edition, fields) -> TemplateResponse:
        programmes = edition.country_programmes.select_related("partner").order_by("country")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Open the next edition from %(edition)s") % {"edition": edition},
            "opts": self.model._meta,
            "edition": edition,
            "next": fields,
            "programmes": programmes,
            "criteria": edition.criteria.all(),
            "pages": CountryInfo.objects.filter(country_programme__edition=edition).count(),
            "questions": edition.questions.filter(hidden=False).count(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/grants/open_next_edition.html", context)


@admin.register(CountryProgramme)
class CountryProgrammeAdmin(admin.ModelAdmin):
    form = CountryProgrammeForm
    list_display = (
        "__str__",
        "edition",
        "country",
        "partner",
        "budget",
        "reserved",
        "currency",
        "payment_timing",
    )
    list_filter = ("edition", country_filter("country"), "partner", "payment_timing")
    search_fields = ("country", "edition__code", "edition__name", "partner__name")
    list_select_related = ("edition", "partner")
    autocomplete_fields = ("partner",)
    # The sum of approved grants: only grants.services changes it, under a row lock.
    readonly_fields = ("reserved",)
    fieldsets = (
        (None, {"fields": ("edition", "country", "partner", "languages")}),
        (_("Budget"), {"fields": ("currency", "budget", "reserved", "max_grant")}),
        (
            _("Rules"),
            {
                "fields": (
                    "min_participants",
                    "min_duration_minutes",
                    "application_deadline",
                    "payment_timing",
                    "report_deadline_hours",
                    "donation_receipt_required",
                    "returning_organisations",
                    "conditions",
                )
            },
        ),
        (
            _("Integrity signals"),
            {"fields": ("max_proposals_per_organisation", "max_funded_per_organisation")},
        ),
    )


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(TranslatedAdmin):
    list_display = ("name", "edition", "position", "missing_translations")
    list_filter = ("edition",)
    search_fields = ("name",)
    list_select_related = ("edition",)


class QuestionChoiceInline(TranslatedTabularInline):
    model = QuestionChoice
    extra = 0
    fields = ("position", "label", "missing_translations")
    readonly_fields = ("missing_translations",)


@admin.register(Question)
class QuestionAdmin(TranslatedAdmin):
    """An edition's extra questions (issue 18): one that proposals answered cannot be deleted
    (its answers protect it) nor change its kind (``Question.clean``); hide it instead."""

    list_display = (
        "text",
        "edition",
        "country",
        "form",
        "section",
        "kind",
        "required",
        "hidden",
        "position",
        "missing_translations",
    )
    list_filter = ("edition", "form", "kind", "hidden", country_filter("country"))
    search_fields = ("text",)
    list_select_related = ("edition",)
    inlines = [QuestionChoiceInline]
    fieldsets = (
        (None, {"fields": ("edition", "country", "form", "section", "position")}),
        (_("The question"), {"fields": ("text", "help_text", "kind", "required")}),
        (_("Numbers"), {"fields": ("min_value", "max_value")}),
        (None, {"fields": ("hidden",)}),
    )


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0
    fields = ("criterion", "score")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("proposal", "reviewer", "conflict_of_interest", "updated_at")
    list_filter = ("conflict_of_interest", "proposal__country_programme__edition")
    search_fields = ("proposal__title", "reviewer__email")
    list_select_related = ("proposal", "reviewer")
    raw_id_fields = ("proposal",)
    autocomplete_fields = ("reviewer",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [ReviewScoreInline]
    show_full_result_count = False


@admin.register(ReviewScore)
class ReviewScoreAdmin(admin.ModelAdmin):
    list_display = ("review", "criterion", "score")
    list_filter = ("criterion__edition", "score")
    search_fields = ("review__proposal__title", "review__reviewer__email")
    list_select_related = ("review__reviewer", "criterion")
    raw_id_fields = ("review",)
    show_full_result_count = False


@admin.register(ProposalComment)
class ProposalCommentAdmin(admin.ModelAdmin):
    list_display = ("proposal", "author", "to_applicant", "created_at")
    list_filter = ("to_applicant",)
    search_fields = ("proposal__title", "author__email", "body")
    list_select_related = ("proposal", "author")
    raw_id_fields = ("proposal", "author")
    show_full_result_count = False


@admin.register(Grant)
class GrantAdmin(ViewOnlyAdmin):
    """Grants are made by approving a proposal and cancelled through grants.services.

    View only: editing a grant here would bypass the budget's reservation, the reference
    sequence and the audit log.
    """

    list_display = (
        "reference",
        "proposal",
        "country_programme",
        "amount",
        "currency",
        "status",
        "payment_status",
        "approved_at",
    )
    list_filter = ("status", "payment_status", "country_programme__edition", "currency")
    search_fields = ("reference", "proposal__title", "proposal__organisation__name")
    list_select_related = ("proposal", "country_programme__edition")
    show_full_result_count = False
    fields = (
        "reference",
        "proposal",
        "country_programme",
        "sequence",
        "amount",
        "currency",
        "status",
        "approved_by",
        "approved_at",
        "cancelled_at",
        "award_letter_language",
        "payment_status",
        "paid_on",
        "paid_amount",
        "payment_reference",
        # The receipt's file is served only by its permission-checked view, not linked here.
        "donation_receipt_name",
        "donation_receipt_uploaded_at",
    )
    readonly_fields = fields


@admin.register(IntegritySignal)
class IntegritySignalAdmin(ViewOnlyAdmin):
    """Found by grants.integrity (computed again by ``manage.py refresh_signals``); view only.
    Partner staff read them, with their explanations, on the proposal page."""

    list_display = ("proposal", "kind", "related_count", "computed_at")
    list_filter = ("kind",)
    search_fields = ("proposal__title", "proposal__organisation__name")
    list_select_related = ("proposal",)
    fields = ("proposal", "kind", "related", "related_count", "detail", "fingerprint")


@admin.register(SignalCheck)
class SignalCheckAdmin(ViewOnlyAdmin):
    """A reviewer's "checked, fine" on a signal (grants.integrity.mark_checked); view only."""

    list_display = ("proposal", "kind", "checked_by", "checked_at")
    list_filter = ("kind",)
    search_fields = ("proposal__title", "note")
    list_select_related = ("proposal", "checked_by")
    fields = ("proposal", "kind", "note", "checked_by", "checked_at", "fingerprint")


@admin.register(AwardLetter)
class AwardLetterAdmin(ViewOnlyAdmin):
    """Award letters are built by a worker after an approval (grants.letters); view only. The
    PDF is stored privately: the current one downloads through the permission-checked view."""

    list_display = ("grant", "version", "code", "amount", "currency", "superseded", "created_at")
    list_filter = ("superseded", "currency")
    search_fields = ("code", "grant__reference", "grant__proposal__organisation__name")
    list_select_related = ("grant",)
    fields = (
        "grant",
        "version",
        "code",
        "language",
        "amount",
        "currency",
        "created_at",
        "superseded",
        "download",
    )
    readonly_fields = fields

    @admin.display(description=_("PDF"))
    def download(self, letter):
        if letter.superseded:
            return _("Superseded: only the current version downloads.")
        url = reverse("letters:download", args=[letter.grant_id])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


# --- Public content: country pages and the FAQ ----------------------------------------------
# Programme staff edit every country's page and the FAQ. Partner staff may edit the pages of
# their own countries too, once programme staff let them into the admin (``is_staff``): these
# methods grant them that one model, scoped like the partner dashboard (organisations.permissions).


def _partner(request) -> bool:
    """Partner staff (not programme staff): they edit their own countries' pages only."""
    return may(request.user, "country_pages.edit_own")


class CountryTextFormSet(forms.BaseInlineFormSet):
    """Each language once, and only the country's languages (or English)."""

    def clean(self):
        super().clean()
        programme = getattr(self.instance, "country_programme", None)
        if programme is None:
            return
        allowed = programme.text_languages()
        for form in self.forms:
            language = form.cleaned_data.get("language") if form.cleaned_data else None
            deleted = form.cleaned_data.get("DELETE") if form.cleaned_data else False
            if language and not deleted and language not in allowed:
                form.add_error(
                    "language",
                    _("Write this country's texts in %(languages)s.")
                    % {"languages": ", ".join(allowed)},
                )


class CountryTextInline(admin.StackedInline):
    """The page's texts, the award letter's paragraph and the partner's contact details in
    each of the country's languages."""

    model = CountryText
    formset = CountryTextFormSet
    extra = 0
    fields = ("language", "conditions", "extra_notes", "letter_text", "partner_contact")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or _partner(request)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) or _partner(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or _partner(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or _partner(request)


class OwnCountriesOnly:
    """For partner staff: the rows of their own countries' programmes only (``programme_path``
    leads from the row to its programme); programme staff keep their usual permissions."""

    programme_path = "country_programme"

    def _partner(self, request) -> bool:
        return _partner(request)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._partner(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._partner(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self._partner(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._partner(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or not self._partner(request):
            return queryset
        own = {f"{self.programme_path}__in": visible_programmes(request.user)}
        return queryset.filter(**own)


@admin.register(CountryInfo)
class CountryInfoAdmin(OwnCountriesOnly, admin.ModelAdmin):
    list_display = ("__str__", "updated_at")
    list_filter = ("country_programme__edition", country_filter("country_programme__country"))
    list_select_related = ("country_programme__edition",)
    fields = ("country_programme", "conditions", "extra_notes")
    inlines = [CountryTextInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "country_programme" and self._partner(request):
            kwargs["queryset"] = visible_programmes(request.user).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CountryText)
class CountryTextAdmin(OwnCountriesOnly, admin.ModelAdmin):
    """The same texts as the country page's inline, listed across countries and languages."""

    programme_path = "info__country_programme"
    list_display = ("__str__", "language", "updated_at")
    list_filter = (country_filter("info__country_programme__country"), "language")
    list_select_related = ("info__country_programme__edition",)
    fields = ("info", "language", "conditions", "extra_notes", "letter_text", "partner_contact")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or self._partner(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "info" and self._partner(request):
            own = visible_programmes(request.user)
            kwargs["queryset"] = CountryInfo.objects.filter(country_programme__in=own)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FaqEntry)
class FaqEntryAdmin(TranslatedAdmin):
    """One entry per question, its text in every language side by side; a language left empty
    shows the English text on the FAQ page."""

    list_display = ("question", "order", "published", "missing_translations")
    list_editable = ("order", "published")
    list_filter = ("published",)
    search_fields = ("question", "answer")
