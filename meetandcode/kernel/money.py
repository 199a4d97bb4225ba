"""Money as the programme stores it: the currencies of its countries and one decimal shape for
every amount (budgets, grants, budget lines, payments)."""

CURRENCIES = [("EUR", "EUR"), ("GBP", "GBP"), ("PLN", "PLN"), ("RON", "RON"), ("UAH", "UAH")]
MONEY = {"max_digits": 12, "decimal_places": 2}
