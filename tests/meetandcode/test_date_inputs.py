"""Every date picker shows its date in every language: the browser's <input type="date"> takes
only YYYY-MM-DD, and a date written the language's way (DD.MM.YYYY in German) shows as empty,
so a date set for the person, or typed before an error, would be lost."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from grants.forms import PaymentForm
from meetandcode.api.forms import TokenForm
from tests.factories import CountryProgrammeFactory, PartnerStaffFactory, log_in_with_second_factor

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _value(html: str, name: str) -> str:
    return re.search(rf'<input type="date" name="{name}" value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_set_for_the_person_is_in_the_picker_in_every_language(language):
    day = timezone.localdate() + dt.timedelta(days=90)
    with translation.override(language):
        token_form = str(TokenForm()["expires_on"])
        payment_form = str(PaymentForm(initial={"paid_on": day, "amount": 1})["paid_on"])
    assert _value(token_form, "expires_on") == day.isoformat()
    assert _value(payment_form, "paid_on") == day.isoformat()


@pytest.mark.django_db
def test_the_token_page_in_german_offers_its_default_expiry_and_keeps_a_typed_date(client):
    manager = PartnerStaffFactory(partner=CountryProgrammeFactory().partner).user
    log_in_with_second_factor(client, manager)
    default = timezone.localdate() + dt.timedelta(days=90)
    with translation.override("de"):
        url = reverse("api_tokens:list")
    assert _value(client.get(url).content.decode(), "expires_on") == default.isoformat()

    typed = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    answer = client.post(url, {"name": "", "scope": "read", "expires_on": typed})
    assert answer.status_code == 400 and "name" in answer.context["form"].errors
    assert _value(answer.content.decode(), "expires_on") == typed
