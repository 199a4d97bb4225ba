"""Audit actions are one enum, organisations.audit.Action: record() refuses any other name."""

import re

import pytest
from django.utils.functional import Promise

from events.models import TRANSITIONS
from events.services import AUDIT_ACTIONS
from grants.templatetags.audit_labels import ACTION_LABELS
from organisations import audit
from organisations.audit import Action
from organisations.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

DOTTED = re.compile(r"[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["proposal.submited", "submit", "", "PROPOSAL_SUBMIT"])
def test_record_refuses_an_unknown_action_and_writes_nothing(action):
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(organisation, actor=UserFactory(), action=action)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_record_stores_the_plain_value_of_a_member_or_of_its_string():
    organisation = OrganisationFactory()
    audit.record(organisation, actor=None, action=Action.ORGANISATION_UPDATE)
    audit.record(organisation, actor=None, action="organisation.update")
    stored = list(AuditEntry.objects.values_list("action", flat=True))
    assert stored == ["organisation.update", "organisation.update"]
    assert all(type(value) is str for value in stored)


def test_every_action_is_a_unique_dotted_thing_and_verb():
    values = [action.value for action in Action]
    assert len(values) == len(set(values)) == 59
    assert [v for v in values if not DOTTED.fullmatch(v)] == []
    assert all(len(v) <= AuditEntry._meta.get_field("action").max_length for v in values)
    assert all(a.name == a.value.upper().replace(".", "_") for a in Action)


def test_every_proposal_transition_is_audited_as_an_action():
    # transition_proposal and the demo builder both name their entries through AUDIT_ACTIONS.
    assert set(AUDIT_ACTIONS) == set(TRANSITIONS)
    assert all(AUDIT_ACTIONS[t] == f"proposal.{t}" for t in TRANSITIONS)


def test_the_timeline_labels_are_the_translated_labels_of_the_enum():
    assert set(ACTION_LABELS) <= set(Action.values)
    assert all(isinstance(label, Promise) for label in ACTION_LABELS.values())
    assert {a.value: a.label for a in Action} == ACTION_LABELS


def test_every_action_has_words_of_its_own():
    # A member without a label would be shown by Django's derived one ("Data Read").
    assert [a.value for a in Action if not a.worded] == []
