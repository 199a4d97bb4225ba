"""Admin for proposals and their budgets, public events, reports and the lookup lists.

A proposal's or report's status, and an event's, change only through the services (which check
the transition, write the audit entry and start e-mails after commit): read-only here. Proposals
run to 100,000 rows in benchmarks, so their lists skip the full count and use raw-id widgets.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BudgetLine, Event, FocusGroup, Language, Proposal, Report


@admin.register(FocusGroup)
class FocusGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
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
        "country_programme__country",
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
    list_filter = ("status", "country", "format", "delivery")
    search_fields = ("title", "organisation_name", "city")
    raw_id_fields = ("proposal",)
    show_full_result_count = False
    date_hierarchy = "starts_at"
    # Published and cancelled together with its proposal, by grants.services.
    readonly_fields = ("status", "published_at", "updated_at")


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
