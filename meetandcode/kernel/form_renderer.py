"""The site's form renderer: Django's, with its commonest widget templates written in Python.

Django renders every widget through a template, and every option of a select through another
one included per option: the review queue's 13 filters (countries, editions, statuses, focus
groups, sorts) took about a third of the page's time that way, the proposal form's widgets a
good share of its own (bench/results.md, issue 19). The writers below give the same HTML as
Django's templates (``django/forms/widgets/*.html``), character for character: the same
escaping (``conditional_escape``), the same localisation of values (``localize``), the same
order of attributes; tests/kernel/test_form_renderer.py compares both on every widget the site
uses and on whole pages. Any other template (a widget of a library, a template overridden by an
app) is rendered by Django as before.

Settings: ``FORM_RENDERER = "meetandcode.kernel.form_renderer.FormRenderer"``.
"""

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"


def _shown(value) -> str:
    """``{{ value }}`` in an autoescaping template."""
    return conditional_escape(localize(template_localtime(value)))


def _as_s(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe, else it is escaped."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_s(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """input.html, as an include gives it (with the file's last line break)."""
    value = "" if widget["value"] is None else f' value="{_as_s(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_as_s(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_shown(widget['label'])}</option>\n"
    )


def _input_option(widget: dict) -> str:
    """input_option.html"""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    wanted = widget["attrs"].get("id")
    label_for = f' for="{_shown(wanted)}"' if wanted else ""
    return f"<label{label_for}>{_input(widget)} {_shown(widget['label'])}</label>\n"


class FormRenderer(DjangoTemplates):
    """Django's default renderer; the widgets in WRITERS are written without a template.

    Each writer gives its template's whole output, as ``{% include %}`` would; ``render``
    strips it as Django's renderers do."""

    def render(self, template_name, context, request=None):
        write = self.WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request)
        # Every value in it is escaped as Django's templates escape it (conditional_escape).
        return mark_safe(write(self, context["widget"]).strip())  # noqa: S308  # nosec B308 B703

    def _option(self, option: dict) -> str:
        """``{% include option.template_name with widget=option %}``"""
        write = self.WRITERS.get(option["template_name"])
        if write is None:
            return self.get_template(option["template_name"]).render({"widget": option})
        return write(self, option)

    def _select(self, widget: dict) -> str:
        parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            parts += [f"\n  {self._option(option)}" for option in group_choices]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)

    def _textarea(self, widget: dict) -> str:
        value = _shown(widget["value"]) if widget["value"] else ""
        attrs = _attrs(widget["attrs"])
        return f'<textarea name="{_shown(widget["name"])}"{attrs}>\n{value}</textarea>\n'

    def _multiple_input(self, widget: dict) -> str:
        """multiple_input.html, included by radio.html and checkbox_select.html."""
        wanted, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = ["<div", f' id="{_shown(wanted)}"' if wanted else ""]
        parts += [f' class="{_shown(css)}"' if css else "", ">"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_shown(group)}</label>")
            parts += [f"<div>\n    {self._option(option)}</div>" for option in options]
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n\n")
        return "".join(parts)

    # The templates that only include another add its output and their own last line break.
    WRITERS: dict[str, Callable] = {
        **{
            f"{WIDGETS}{name}.html": lambda self, widget: _input(widget) + "\n"
            for name in (
                "text",
                "email",
                "url",
                "number",
                "search",
                "tel",
                "date",
                "datetime",
                "time",
                "hidden",
                "password",
                "checkbox",
                "color",
            )
        },  # fmt: skip
        f"{WIDGETS}input.html": lambda self, widget: _input(widget),
        f"{WIDGETS}select.html": _select,
        f"{WIDGETS}select_option.html": lambda self, widget: _select_option(widget),
        f"{WIDGETS}textarea.html": _textarea,
        f"{WIDGETS}radio.html": _multiple_input,
        f"{WIDGETS}checkbox_select.html": _multiple_input,
        f"{WIDGETS}input_option.html": lambda self, widget: _input_option(widget),
        f"{WIDGETS}radio_option.html": lambda self, widget: _input_option(widget) + "\n",
        f"{WIDGETS}checkbox_option.html": lambda self, widget: _input_option(widget) + "\n",
    }
