"""Text a spreadsheet would run as a formula, defused: one rule for every CSV and XLSX the site
serves (the partner exports in ``grants.exports`` and the public feed ``/events.csv``)."""

# A cell beginning with one of these is read as a formula (tab and carriage return included:
# some spreadsheets drop them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """Text beginning with =, +, -, @, a tab or a carriage return would make a spreadsheet
    evaluate the cell: such text is quoted with a leading apostrophe. Other values are returned
    as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
