"""Fixtures of the public pages' cache tests: a country programme, its manager, an event
approved through the service, and services run as if their transaction committed."""

import pytest

from events.models import Event
from grants.services import approve_proposal
from tests.factories import CountryProgrammeFactory, PartnerStaffFactory
from tests.public.test_page_fragment_cache import upcoming


@pytest.fixture
def programme():
    return CountryProgrammeFactory()


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner).user


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed (the version is bumped on commit)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def robots(programme, manager, commit) -> Event:
    """An event approved through the service, as a partner manager does."""
    proposal = upcoming(programme, "Robots")
    commit(approve_proposal, proposal, actor=manager)
    return Event.objects.get(proposal=proposal)
