"""Admin for people, organisations, partners, validation, the audit log and notifications.

State that changes through services (a membership's acceptance, a validation's decision, a token's
redemption, a notification's delivery, every audit entry) is read-only here: changing it in a form
would skip the service's checks and its audit entry.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetandcode.kernel.admin_kit import country_filter
from meetandcode.kernel.exceptions import DomainError

from .models import (
    AuditEntry,
    Consent,
    LegalForm,
    MemberInvitation,
    Membership,
    MessageText,
    Notification,
    Organisation,
    OrganisationValidation,
    Partner,
    PartnerStaff,
    User,
    ValidationToken,
)
from .notifications import resend_notification


class EmailUserCreationForm(AdminUserCreationForm):
    """Django's admin creation form, for a user model whose login is the e-mail address."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes = {}

    def clean_email(self):
        # The manager stores addresses lower-cased; a form must not let a second case slip in.
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A person with this e-mail address already exists."))
        return email


class EmailUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


class ViewOnlyAdmin(admin.ModelAdmin):
    """For records only services may write (grants, the audit log): the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Roles and permissions"),
            {
                "fields": (
                    "is_active",
                    "is_programme_staff",
                    "is_staff",
                    "is_superuser",
                    "is_demo",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "first_name",
        "last_name",
        "is_programme_staff",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("is_programme_staff", "is_staff", "is_superuser", "is_active", "is_demo")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    show_full_result_count = False


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    list_filter = (country_filter("country"),)
    search_fields = ("name",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "status", "created_at")
    # Join requests are accepted by an owner through organisations.services.accept_member.
    readonly_fields = ("status", "created_at")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "legal_form", "city", "contact_email", "created_at")
    list_filter = (country_filter("country"),)
    search_fields = ("name", "registration_number", "city", "contact_email")
    list_select_related = ("legal_form",)
    autocomplete_fields = ("legal_form",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [MembershipInline]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("name", "country", "legal_form", "registration_number", "description")}),
        (_("Award letters"), {"fields": ("letter_language",)}),
        (_("Address"), {"fields": ("street", "postcode", "city", "website")}),
        (_("Contact"), {"fields": ("contact_name", "contact_email", "phone")}),
        (_("Bank account"), {"fields": ("bank_account_holder", "iban")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "status", "created_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("status", "created_at")
    show_full_result_count = False


class PartnerStaffInline(admin.TabularInline):
    model = PartnerStaff
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(MemberInvitation)
class MemberInvitationAdmin(ViewOnlyAdmin):
    """Owners invite and revoke on the organisation page (organisations.services)."""

    list_display = ("email", "organisation", "created_at", "expires_at", "accepted_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation", "invited_by")
    exclude = ("token",)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "country_list", "contact_email", "website", "may_edit_messages")
    search_fields = ("name",)
    inlines = [PartnerStaffInline]

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(country.code for country in obj.countries)


@admin.register(PartnerStaff)
class PartnerStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "partner", "role")
    list_filter = ("role", "partner")
    search_fields = ("user__email", "partner__name")
    list_select_related = ("user", "partner")
    autocomplete_fields = ("user", "partner")


@admin.register(ValidationToken)
class ValidationTokenAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "country_programme",
        "issued_to_email",
        "issued_at",
        "redeemed_by",
        "redeemed_at",
    )
    list_filter = ("country_programme__edition", country_filter("country_programme__country"))
    search_fields = ("code", "issued_to_email", "redeemed_by__name")
    list_select_related = ("country_programme__edition", "redeemed_by")
    autocomplete_fields = ("country_programme", "issued_by")
    # Tokens are issued and redeemed through services, which validate the organisation and audit.
    readonly_fields = ("issued_at", "redeemed_by", "redeemed_at")
    show_full_result_count = False


@admin.register(OrganisationValidation)
class OrganisationValidationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "edition", "status", "method", "decided_at")
    list_filter = ("status", "method", "edition")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "edition")
    autocomplete_fields = ("organisation",)
    # Decided by the partner through organisations.services (audited), never by editing here.
    readonly_fields = ("status", "method", "token", "decided_by", "decided_at", "created_at")
    show_full_result_count = False


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    """The audit log is evidence: nobody adds, edits or deletes an entry, not even a superuser."""

    list_display = (
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "from_state",
        "to_state",
    )
    # No filter on action: listing its distinct values would scan the whole (large) log.
    list_filter = ("content_type",)
    search_fields = ("actor__email", "action", "message")
    list_select_related = ("actor", "content_type")
    show_full_result_count = False
    fields = (
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "target_label",
        "from_state",
        "to_state",
        "message",
        "data",
    )
    readonly_fields = fields

    @admin.display(description=_("object"))
    def target_label(self, obj):
        return str(obj.target) if obj.target is not None else "-"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient",
        "email",
        "kind",
        "status",
        "attempts",
        "sent_at",
        "read_at",
    )
    list_filter = ("status",)
    search_fields = ("recipient__email", "email", "kind")
    list_select_related = ("recipient",)
    autocomplete_fields = ("recipient",)
    # Delivery state belongs to the sending task (it claims rows by status).
    readonly_fields = (
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "read_at",
        "message_text",
    )
    show_full_result_count = False
    actions = ["send_again"]

    @admin.action(description=_("Send the selected failed notifications again"))
    def send_again(self, request, queryset):
        resent = 0
        for notification in queryset.filter(status=Notification.Status.FAILED):
            try:
                resend_notification(notification, actor=request.user)
            except DomainError:  # sent again by someone else a moment ago
                continue
            resent += 1
        self.message_user(
            request,
            ngettext(
                "%(sent)d notification will be sent again; %(skipped)d had not failed.",
                "%(sent)d notifications will be sent again; %(skipped)d had not failed.",
                resent,
            )
            % {"sent": resent, "skipped": queryset.count() - resent},
            messages.SUCCESS if resent else messages.WARNING,
        )


@admin.register(MessageText)
class MessageTextAdmin(ViewOnlyAdmin):
    """The versions of the edited messages: written only through the message editor
    (/partner/messages/, organisations.message_texts), which checks them."""

    list_display = ("kind", "language", "country", "number", "saved_by", "saved_at")
    list_filter = ("kind", "language")
    list_select_related = ("saved_by",)


@admin.register(Consent)
class ConsentAdmin(ViewOnlyAdmin):
    """Evidence of what a person accepted: written only at sign-up or on the acceptance page."""

    list_display = ("accepted_at", "user", "document", "version")
    list_filter = ("document", "version")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    show_full_result_count = False
