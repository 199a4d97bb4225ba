"""One form field with its label, counter, help, warnings and errors, as the proposal and report
forms show it: ``{% field_block field no_anchor %}`` (the form sections, budget lines, report
forms and the staff's question preview).

Written in Python rather than as an included template: the proposal form shows about forty of
them, and including a template per field was a good share of the page's time (issue 19). The
HTML is the template's as it was, whitespace included (tests/events/test_field_blocks.py holds
that template and compares both on every field of both forms).
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

CHOICE_LISTS = ("checkboxselectmultiple", "radioselect")


def _e(value) -> str:
    """``{{ value }}``: localised, then escaped unless safe."""
    return conditional_escape(localize(value))


@register.simple_tag
def field_block(field, no_anchor=False) -> str:
    # Each part is escaped as the template escaped it (conditional_escape), so the whole is safe.
    return mark_safe(_block(field, no_anchor))  # noqa: S308  # nosec B308 B703


def _block(f, no_anchor) -> str:
    kind = f.widget_type
    css = " form-check" if kind == "checkbox" else ""
    anchor = "" if no_anchor else f' id="field-{_e(f.name)}"'
    parts = [f'\n<div class="mb-3{css}"{anchor}>\n  ', _control(f, kind), "\n"]
    max_length = getattr(f.field, "max_length", None)
    parts.append("  ")
    if max_length:
        parts.append(
            f'<div class="form-text char-counter" data-counter-for="{_e(f.id_for_label)}" '
            f'aria-live="polite">{_e(_length(f.value()))} / {_e(max_length)}</div>'
        )
    parts.append("\n  ")
    if f.help_text:
        parts.append(
            f'<div class="form-text" id="{_e(f.auto_id)}_helptext">{_e(f.help_text)}</div>'
        )
    parts.append("\n  ")
    if not no_anchor:
        parts.append(
            f'<div class="limit-warnings" id="warning-{_e(f.name)}" aria-live="polite">'
            f"{warnings_html(getattr(f, 'warnings', None) or [])}</div>"
        )
    parts.append("\n  ")
    if f.errors:
        errors = "".join(f"<div>{_e(error)}</div>" for error in f.errors)
        parts.append(
            f'<div class="invalid-feedback d-block" id="{_e(f.auto_id)}_error">{errors}</div>'
        )
    parts.append("\n</div>\n\n")
    return "".join(parts)


def _control(f, kind: str) -> str:
    label = _e(f.label)
    if kind == "checkbox":
        return (
            f'\n    {_e(f)}\n    <label class="form-check-label" for="{_e(f.id_for_label)}">'
            f"{label}</label>\n  "
        )
    if kind in CHOICE_LISTS:
        errors = f" {_e(f.auto_id)}_error" if f.errors else ""
        choices = (
            "".join(
                f'<div class="form-check">{_e(choice.tag())} <label class="form-check-label" '
                f'for="{_e(choice.id_for_label)}">{_e(choice.choice_label)}</label></div>'
                for choice in f
            )
            or _no_choices()
        )
        return (
            f'\n    <fieldset aria-describedby="{_e(f.auto_id)}_helptext{errors}">\n'
            f'      <legend class="form-label fw-semibold fs-6">{label}</legend>\n'
            f'      <div class="choice-list">{choices}</div>\n    </fieldset>\n  '
        )
    return (
        f'\n    <label class="form-label fw-semibold" for="{_e(f.id_for_label)}">{label}</label>\n'
        f"    {_e(f)}\n  "
    )


def _no_choices() -> str:
    none = gettext("No choices yet.")  # outside an f-string, where xgettext finds it
    return f'<p class="text-body-secondary small">{_e(none)}</p>'


def _length(value) -> int:
    """``value|default:''|length``"""
    try:
        return len(value or "")
    except TypeError:
        return 0


def warnings_html(warnings) -> str:
    """The limits a saved value breaks, one line each (also the budget's, under its lines)."""
    return "".join(f'<div class="form-text limit-warning">{_e(w)}</div>' for w in warnings)


@register.simple_tag
def limit_warnings(warnings) -> str:
    """``{% limit_warnings form.warnings.budget %}``: the budget's, under its lines."""
    # Each warning is escaped (conditional_escape) in warnings_html.
    return mark_safe(warnings_html(warnings or []))  # noqa: S308  # nosec B308 B703
