from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.db.models.functions import Lower
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from programmes.country_content import letter_language_choices

from .models import LegalForm, Organisation
from .privacy import client_ip, notice_version, record_consent
from .services import normalise_code


def programme_countries() -> set[str]:
    """The countries the programme knows legal forms for (empty before any is configured)."""
    return set(LegalForm.objects.order_by().values_list("country", flat=True).distinct())


def letter_language_choices_for(country: str) -> list[tuple[str, str]]:
    """The choices of the award letters' language for a country code ('' before one is chosen):
    the country's languages after a first option that says what an empty choice means."""
    if not country:
        return [("", _("Choose the country first"))]
    return [("", _("The first language of your country")), *letter_language_choices(country)]


class OrganisationForm(forms.ModelForm):
    """Register or edit an organisation. The legal form must be one valid in its country.

    The country list offers the countries the programme knows legal forms for. With htmx the
    legal form options follow the country at once; without JavaScript a submit without a legal
    form comes back with the chosen country's forms and everything typed still in place.
    """

    class Meta:
        model = Organisation
        fields = [
            "name",
            "country",
            "legal_form",
            "registration_number",
            "street",
            "postcode",
            "city",
            "website",
            "contact_name",
            "contact_email",
            "phone",
            "bank_account_holder",
            "iban",
            "description",
            "letter_language",
        ]
        help_texts = {
            "name": _("As written in the register, e.g. 'Coding Kids Luxembourg ASBL'."),
            "country": _("Where your organisation is registered."),
            "legal_form": _("Only the non-profit forms valid in the chosen country are listed."),
            "registration_number": _("The number of your organisation in its national register."),
            "website": _("Shown on your public event pages. Leave empty if you have none."),
            "contact_name": _("The person your national partner can call about this application."),
            "contact_email": _("Your national partner writes to this address."),
            "phone": _("With the country code, e.g. +352 621 123 456. Optional."),
            "bank_account_holder": _("The name on the bank account, usually the organisation's."),
            "iban": _("Where the grant is paid. Spaces are fine."),
            "description": _("Two or three sentences about what your organisation does."),
            "letter_language": _(
                "Your award letters are written in this language, one of your country's. "
                "E-mails come in each person's own language."
            ),
        }
        error_messages = {
            "legal_form": {
                "required": _("Choose the legal form of your organisation."),
                "invalid_choice": _("Choose a legal form that is valid in the chosen country."),
            },
            "letter_language": {
                "invalid_choice": _("Choose one of the languages of your organisation's country."),
            },
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    # What a phone's keyboard and autofill should offer for each field.
    AUTOCOMPLETE = {
        "name": "organization",
        "street": "address-line1",
        "postcode": "postal-code",
        "city": "address-level2",
        "website": "url",
        "contact_name": "name",
        "contact_email": "email",
    }

    def __init__(self, *args, lock_country: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        country_field = self.fields["country"]
        country_field.choices = self._programme_countries(country_field.choices)
        if lock_country:
            # Validation and proposals belong to the country's national partner.
            country_field.disabled = True
            country_field.help_text = _(
                "Your organisation is validated or has proposals in this country, so the country "
                "can no longer change. Write to your national partner if it is wrong."
            )
        else:
            country_field.widget.attrs.update(
                {
                    "hx-get": reverse_lazy("organisations:legal_forms"),
                    "hx-target": "#id_legal_form",
                    "hx-trigger": "change",
                }
            )
            # The letter languages follow the country as well: the select asks for its own
            # options when the country changes (sending the country and its current choice).
            self.fields["letter_language"].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("organisations:letter_languages"),
                    "hx-trigger": f"change from:#{self['country'].auto_id}",
                    "hx-include": f"#{self['country'].auto_id}",
                    "hx-target": "this",
                    "hx-swap": "innerHTML",
                }
            )
        country = self.chosen_country()
        legal_form = self.fields["legal_form"]
        legal_form.queryset = (
            LegalForm.objects.filter(country=country).order_by(Lower("name"))
            if country
            else LegalForm.objects.none()
        )
        legal_form.empty_label = (
            _("Choose a legal form") if country else _("Choose the country first")
        )
        self._limit_letter_languages(country)
        self._set_input_hints()
        self.helper = self._layout()

    def chosen_country(self) -> str:
        """The country code the person chose (or the organisation has), or ''."""
        field = self.fields["country"]
        country = "" if field.disabled else self.data.get(self.add_prefix("country"), "")
        country = country or self.initial.get("country") or ""
        if not country and self.instance.pk:
            country = self.instance.country
        return str(getattr(country, "code", country) or "")

    def _limit_letter_languages(self, country: str) -> None:
        """Offer the country's languages only (a Luxembourg organisation: French or German)."""
        self.fields["letter_language"].choices = letter_language_choices_for(country)

    @staticmethod
    def _programme_countries(choices) -> list:
        """Only the countries with legal forms: an organisation elsewhere cannot register."""
        known = programme_countries()
        blank = [("", _("Choose a country"))]
        return blank + [
            (code, name) for code, name in choices if code and (code in known or not known)
        ]

    def _set_input_hints(self) -> None:
        for name, value in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs.setdefault("autocomplete", value)
        self.fields["iban"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        self.fields["registration_number"].widget.attrs["spellcheck"] = "false"

    def _layout(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False  # the template writes the <form> with its buttons
        helper.disable_csrf = True  # and its CSRF token
        helper.layout = Layout(
            Fieldset(
                _("Your organisation"),
                "name",
                "country",
                "legal_form",
                "registration_number",
                css_class="mb-4",
            ),
            Fieldset(_("Address"), "street", "postcode", "city", "website", css_class="mb-4"),
            Fieldset(_("Contact"), "contact_name", "contact_email", "phone", css_class="mb-4"),
            Fieldset(
                _("Bank account for the grant"), "bank_account_holder", "iban", css_class="mb-4"
            ),
            Fieldset(_("About your organisation"), "description", css_class="mb-4"),
            Fieldset(_("Award letters"), "letter_language"),
        )
        return helper

    def clean_iban(self) -> str:
        return "".join(self.cleaned_data["iban"].split()).upper()

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        number = cleaned.get("registration_number")
        if country and number:
            others = Organisation.objects.filter(country=country, registration_number=number)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                # Said here, with what to do, instead of the model's generic unique message.
                self.add_error(
                    "registration_number",
                    _(
                        "An organisation with this registration number is registered already. "
                        "Ask to join it instead."
                    ),
                )
        return cleaned


class ValidationTokenForm(forms.Form):
    code = forms.CharField(
        label=_("Validation code"),
        max_length=20,
        help_text=_("The code your national partner sent you, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class JoinSearchForm(forms.Form):
    """Find an organisation to join by (part of) its name and its country."""

    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=100,
        min_length=2,
        help_text=_("A part of the name is enough, e.g. 'Coding Kids'."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("Narrow the search to one country, or search them all."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = programme_countries()
        self.fields["country"].choices = [("", _("Every country"))] + [
            (code, name) for code, name in countries if not known or code in known
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET search


class InviteMemberForm(forms.Form):
    """An owner invites a person to act for the organisation by e-mail."""

    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        max_length=254,
        help_text=_(
            "We send them a link that works for 14 days. They can accept it with any account."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class DeclineMemberForm(forms.Form):
    """An owner turns down a join request, optionally saying why."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("We send it to the person in the e-mail telling them."),
    )


class PrivacyConsentSignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the privacy notice must be
    accepted, and the acceptance is recorded with the notice's version."""

    accept_privacy = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Tick this box to confirm you have read the privacy notice.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["accept_privacy"]
        field.label = _("I have read the privacy notice (version %(version)s)") % {
            "version": notice_version()
        }
        field.help_text = format_html(
            '<a href="{}" target="_blank">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )

    def signup(self, request, user) -> None:
        record_consent(user, ip=client_ip(request))


class AcceptPrivacyForm(forms.Form):
    """A signed-in person accepts a new version of the privacy notice."""

    accept_privacy = forms.BooleanField(
        required=True,
        label=_("I have read the new privacy notice"),
        error_messages={"required": _("Tick this box to accept the privacy notice and go on.")},
    )


class DeleteAccountForm(forms.Form):
    """Deleting the account asks for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you who deletes the account."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password. Type it again."))
        return password


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in itself ("Deutsch", "Français"), as the switcher."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class AccountForm(forms.Form):
    """The person's name and preferred language, on their account page."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        help_text=_("Your national partner and your colleagues see your name."),
        error_messages={
            "required": _("Enter your first name."),
            "max_length": _("Shorten your first name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        help_text=_("Optional, if you use only one name."),
        error_messages={
            "max_length": _("Shorten your last name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_(
            "The site opens in this language after you log in; your e-mails are written in it."
        ),
        error_messages={
            "required": _("Choose the language you want to read the site and your e-mails in."),
            "invalid_choice": _("Choose one of the languages in the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the <form> with its button
        self.helper.disable_csrf = True  # and its CSRF token

    def _clean_name(self, name: str) -> str:
        value = " ".join(self.cleaned_data[name].split())
        if "<" in value or ">" in value:
            raise forms.ValidationError(_("A name cannot contain < or >. Type it without them."))
        return value

    def clean_first_name(self) -> str:
        return self._clean_name("first_name")

    def clean_last_name(self) -> str:
        return self._clean_name("last_name")
