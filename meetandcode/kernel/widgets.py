"""Widgets every form shares."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``). Its value must be ISO 8601
    (YYYY-MM-DD) in every language: Django's DateInput writes a date in the page language's
    format (DD.MM.YYYY in German), which the browser rejects, so the field would show empty and
    a date set before (or typed before an error) would be lost."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
