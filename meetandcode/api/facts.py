"""What the API and the webhooks say about a proposal and its grant, alike."""


def grant_facts(grant) -> dict:
    return {
        "reference": grant.reference,
        "amount": grant.amount,
        "currency": grant.currency,
        "status": grant.status,
        "payment_status": grant.payment_status,
        "paid_on": grant.paid_on,
    }


def proposal_facts(proposal) -> dict:
    """Reads the proposal's organisation and its country programme's edition."""
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "status": proposal.status,
        "organisation": {"id": proposal.organisation_id, "name": proposal.organisation.name},
        "country": str(proposal.country_programme.country),
        "edition": proposal.country_programme.edition.year,
        "requested_amount": proposal.requested_amount,
        "currency": proposal.currency,
    }
