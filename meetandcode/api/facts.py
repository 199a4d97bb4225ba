"""What the API and the webhooks say about a grant, alike."""


def grant_facts(grant) -> dict:
    return {
        "reference": grant.reference,
        "amount": grant.amount,
        "currency": grant.currency,
        "status": grant.status,
        "payment_status": grant.payment_status,
        "paid_on": grant.paid_on,
    }
