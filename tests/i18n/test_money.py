"""Amounts written the way the reader's language writes them: "EUR 500.00" in English, "500,00
EUR" in German, on pages, in e-mails and on the award letter's check page."""

import pytest
from django.template import Context, Template
from django.utils import translation

from grants.letters import new_code
from grants.models import AwardLetter
from meetandcode.kernel.formatting import format_money
from organisations import delivery, notifications
from organisations.models import Notification
from tests.events.test_reports import approved_event
from tests.factories import PAST_CODE, UserFactory

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "small", "large"),
    [
        ("en", "EUR 500.00", "EUR 12,500.50"),
        ("de", "500,00 EUR", "12.500,50 EUR"),
        ("fr", "500,00 EUR", f"12{NBSP}500,50 EUR"),
        ("nl", "500,00 EUR", "12.500,50 EUR"),
        ("it", "500,00 EUR", "12.500,50 EUR"),
        ("pl", "500,00 EUR", f"12{NBSP}500,50 EUR"),
        ("ro", "500,00 EUR", "12.500,50 EUR"),
        ("es", "500,00 EUR", f"12{NBSP}500,50 EUR"),
        ("uk", "500,00 EUR", f"12{NBSP}500,50 EUR"),
    ],
)
def test_each_language_writes_amounts_its_own_way(language, small, large):
    assert format_money("500", "EUR", language) == small
    assert format_money("12500.5", "EUR", language) == large


def test_the_filter_is_in_every_template_and_follows_the_active_language():
    template = Template('{{ amount|money:"PLN" }} · {{ missing|money:"EUR" }}.')

    with translation.override("pl"):
        polish = template.render(Context({"amount": 1234}))
    with translation.override("en"):
        english = template.render(Context({"amount": 1234}))

    assert polish == f"1{NBSP}234,00 PLN · ."
    assert english == "PLN 1,234.00 · ."


@pytest.mark.django_db
def test_the_letter_check_page_shows_the_amount_in_the_pages_language(client):
    proposal, _manager = approved_event()
    grant = proposal.grant
    grant.amount = 450
    grant.save(update_fields=["amount"])
    letter = AwardLetter.objects.filter(grant=grant).first() or AwardLetter.objects.create(
        grant=grant,
        version=1,
        code=new_code(),
        file="letters/l.pdf",
        language="en",
        amount=450,
        currency="EUR",
        fingerprint="x",
    )

    english = client.get(f"/letters/verify/{letter.code}/").content.decode()
    german = client.get(f"/de/letters/verify/{letter.code}/").content.decode()

    assert "EUR 450.00" in english
    assert "450,00 EUR" in german and "EUR 450.00" not in german


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "written"), [("en", "EUR 500.00"), ("de", "500,00 EUR"), ("pl", "500,00 EUR")]
)
def test_an_approval_mail_writes_the_amount_in_the_recipients_language(language, written):
    reader = UserFactory(language=language)
    context = {"proposal": "Robots", "reference": f"{PAST_CODE}-LU-0042", "amount": "500.00"}
    with translation.override("fr"):  # whoever approved read the site in French
        [row] = notifications.notify(
            "proposal_approved", recipients=[reader], context={**context, "currency": "EUR"}
        )

    message = delivery.render(Notification.objects.get(pk=row.pk))

    assert written in message.text
    assert written in message.html
    with translation.override(language):
        assert written in delivery.summary(row)
