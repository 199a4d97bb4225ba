"""The site's own date formats (FORMAT_MODULE_PATH in meetandcode/settings.py).

Django reads a named format (``DATE_FORMAT``, ...) from ``<language>/formats.py``
here first and falls back to its own locale formats for the names a module leaves out. English is
written the British way; the other modules only correct what Django's would get wrong on a page.
"""
