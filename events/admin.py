"""Admin for proposals and their budgets, public events, reports and the lookup lists.

A proposal's or report's status, and an event's, change only through the services (which check
the transition, write the audit entry and start e-mails after commit): read-only here. Proposals
run to 100,000 rows in benchmarks, so their lists skip the full count and use raw-id widgets.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meetandcode.kernel.admin_kit import TranslatedAdmin, country_filter
from organisations.permissions import may

from .models import (
    Answer,
    BudgetLine,
    Event,
    FocusGroup,
    Language,
    Proposal,
    Reminder,
    Report,
    ReportFile,
    Resource,
)
from .services import save_event_edit


@admin.register(FocusGroup)
class FocusGroupAdmin(TranslatedAdmin):
    list_display = ("name", "code", "missing_translations")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    """The stored name is English; pages show Django's name of the language in the reader's
    language (``events.models.language_name``)."""

    list_display = ("name", "code")
    search_fields = ("name", "code")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ("category", "description", "amount", "actual_amount")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "organisation",
        "country_programme",
        "status",
        "format",
        "requested_amount",
        "submitted_at",
    )
    list_filter = (
        "status",
        "country_programme__edition",
        country_filter("country_programme__country"),
        "format",
        "delivery",
    )
    search_fields = ("title", "organisation__name", "city")
    list_select_related = ("organisation", "country_programme__edition")
    show_full_result_count = False
    autocomplete_fields = ("organisation", "country_programme", "focus_groups", "languages")
    readonly_fields = (
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "decided_at",
    )
    inlines = [BudgetLineInline]
    fieldsets = (
        (None, {"fields": ("organisation", "country_programme", "status", "created_by")}),
        (_("The event"), {"fields": ("title", "description", "format", "delivery")}),
        (
            _("Who it is for"),
            {"fields": ("age_min", "age_max", "expected_participants", "focus_groups")},
        ),
        (
            _("Where and when"),
            {
                "fields": (
                    "starts_at",
                    "ends_at",
                    "duration_minutes",
                    "languages",
                    "venue_name",
                    "address",
                    "postcode",
                    "city",
                    "latitude",
                    "longitude",
                    "location_is_approximate",
                )
            },
        ),
        (_("Budget"), {"fields": ("requested_amount", "currency")}),
        (_("Declarations"), {"fields": ("free_for_participants", "accepts_conditions")}),
        (_("Record"), {"fields": ("created_at", "updated_at", "submitted_at", "decided_at")}),
    )


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ("proposal", "category", "amount", "actual_amount")
    list_filter = ("category",)
    search_fields = ("proposal__title", "description")
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal",)
    show_full_result_count = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation_name", "country", "city", "starts_at", "status")
    list_filter = ("status", country_filter("country"), "format", "delivery")
    search_fields = ("title", "organisation_name", "city")
    raw_id_fields = ("proposal",)
    show_full_result_count = False
    date_hierarchy = "starts_at"
    # Published and cancelled together with its proposal, by grants.services.
    readonly_fields = ("status", "published_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        save_event_edit(obj, actor=request.user, fields=sorted(form.changed_data))


AGE_BANDS = ("age_under_8", "age_8_12", "age_13_16", "age_17_24", "age_over_24")
GENDERS = ("gender_female", "gender_male", "gender_other")


class ReportForm(forms.ModelForm):
    """The admin's form (the ModelAdmin supplies model and fields), with the report's sums."""

    def clean(self):
        # A handed-in report must add up (the database refuses it otherwise); say so in words.
        data = super().clean()
        if self.instance.status == Report.Status.DRAFT:
            return data
        total = data.get("participants_total") or 0
        if total <= 0 or total != sum(data.get(name) or 0 for name in AGE_BANDS):
            self.add_error(None, _("The age bands must add up to the participants in total."))
        if total != sum(data.get(name) or 0 for name in GENDERS):
            self.add_error(None, _("The genders must add up to the participants in total."))
        return data


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportForm
    list_display = ("proposal", "status", "participants_total", "submitted_at", "accepted_at")
    list_filter = (
        "status",
        "proposal__country_programme__edition",
        "only_possible_thanks_to_grant",
    )
    search_fields = ("proposal__title", "proposal__organisation__name")
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal",)
    show_full_result_count = False
    readonly_fields = ("status", "created_at", "updated_at", "submitted_at", "accepted_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What the periodic reminders sent (grants/reminders.py): a record to read, never to edit,
    as a changed or deleted row would make a reminder go out again."""

    list_display = ("proposal", "kind", "number", "sent_at")
    list_filter = ("kind",)
    search_fields = ("proposal__title", "proposal__organisation__name")
    list_select_related = ("proposal",)
    raw_id_fields = ("proposal",)
    show_full_result_count = False
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """The answers to the editions' extra questions: the applicant's words, read here, changed
    only through their form."""

    list_display = ("proposal", "question", "updated_at")
    list_filter = ("question__edition",)
    search_fields = ("proposal__title", "question__text")
    list_select_related = ("proposal", "question")
    raw_id_fields = ("proposal",)
    fields = ("proposal", "question", "value", "file_name", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    """Receipts and photos of reports. Added only through the report's upload (which checks the
    content and strips metadata); here they are read, and a photo can be taken off the public
    page. The file itself opens through the permission-checked download view."""

    list_display = ("original_name", "kind", "report", "size", "public", "created_at")
    list_filter = ("kind", "public")
    search_fields = ("original_name", "report__proposal__title")
    list_select_related = ("report__proposal",)
    show_full_result_count = False
    fields = ("report", "kind", "download", "original_name", "content_type", "size", "consent",
              "public", "uploaded_by", "created_at")  # fmt: skip
    readonly_fields = ("report", "kind", "download", "original_name", "content_type", "size",
                       "consent", "uploaded_by", "created_at")  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("events:report_file", args=[obj.pk]), _("Download")
        )


@admin.register(Resource)
class ResourceAdmin(TranslatedAdmin):
    """The inspiration library. Programme staff and national partner staff both add and edit
    resources: partner staff get this one model (once programme staff give their account
    ``is_staff`` so the admin lets them in), without any other admin permission."""

    list_display = ("title", "kind", "format", "age_band", "language", "published",
                    "missing_translations", "created_at")  # fmt: skip
    list_filter = ("published", "kind", "format", "age_band", "language")
    search_fields = ("title", "summary")
    list_editable = ("published",)
    fields = ("title", "summary", "kind", "format", "age_band", "language", "url", "file",
              "published")  # fmt: skip

    def _editor(self, request) -> bool:
        cached = getattr(request, "_library_editor", None)
        if cached is None:
            cached = request._library_editor = may(request.user, "library.edit")
        return cached

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._editor(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._editor(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self._editor(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._editor(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or self._editor(request)
