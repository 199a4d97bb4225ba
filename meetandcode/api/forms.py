from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from meetandcode.kernel.widgets import DateInput

from .models import ApiToken, WebhookEndpoint
from .tokens import DEFAULT_DAYS, latest_expiry


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, e.g. “our CRM” or “the payments export”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read and write also records payments and adds comments, as you may."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput(),
        help_text=_("At most a year from today."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + timedelta(days=DEFAULT_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(), max=latest_expiry(today).isoformat()
        )

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if value > latest_expiry(today):
            raise forms.ValidationError(_("Choose a day within a year from today."))
        return value


class EndpointForm(forms.Form):
    """A webhook endpoint: the choices of countries are the person's own (webhooks.countries_for).
    The address is checked by the service (public, https), which names the field that is wrong."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What receives it, e.g. “our website” or “EU Code Week”."),
    )
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address on the internet that answers a POST with 2xx."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Send when"),
        choices=WebhookEndpoint.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of happening.")},
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @staticmethod
    def country_label(code: str) -> str:
        return str(all_countries.name(code)) or code

    def __init__(self, *args, countries: list[str], everywhere: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["countries"]
        field.choices = [(code, self.country_label(code)) for code in countries]
        if everywhere:
            field.help_text = _("None chosen: every country.")
        else:
            field.required = True
            field.error_messages["required"] = _("Choose at least one of your countries.")
            if len(countries) == 1:
                field.initial = countries
