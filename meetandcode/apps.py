"""The Django admin, installed with the site's own sign-in and second factor (admin_site.py)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` is ours: every ``@admin.register`` in the
    apps, and allauth's own admin classes, land on the guarded site."""

    default_site = "meetandcode.admin_site.AdminSite"
