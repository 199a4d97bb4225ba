"""The fixed demo logins work in the local demo (DEBUG on) and nowhere else."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_demo_login_works_while_debug_is_on(client, settings):
    settings.DEBUG = True
    demo = _verified(UserFactory(is_demo=True))
    response = _log_in(client, demo)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(demo.pk)


def test_demo_login_is_refused_when_debug_is_off(client, settings):
    settings.DEBUG = False
    demo = _verified(UserFactory(is_demo=True))
    response = _log_in(client, demo)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_demo_staff_cannot_reach_the_admin_when_debug_is_off(client, settings):
    settings.DEBUG = False
    demo = UserFactory(is_demo=True, is_staff=True, is_superuser=True)
    client.post("/admin/login/", {"username": demo.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_real_account_logs_in_when_debug_is_off(client, settings):
    settings.DEBUG = False
    person = _verified(UserFactory())
    response = _log_in(client, person)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)
