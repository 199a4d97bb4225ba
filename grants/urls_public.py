"""The programme's public pages: impact figures, a page per country, the FAQ. No login.

Mounted at the site's root by meetandcode/urls.py, in their own ``public`` namespace: the
``grants`` namespace is the partner dashboard under /partner/, every URL of which asks for a
partner login (tests/grants/test_partner_access.py checks that of each one).
"""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns = [
    path("impact/", views_public.impact_page, name="impact"),
    path("countries/<str:code>/", views_public.country_page, name="country"),
    path("faq/", views_public.faq, name="faq"),
]
