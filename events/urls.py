from django.urls import path

from . import views, views_public

app_name = "events"

urlpatterns = [
    path("my/proposals/new/", views.start, name="start"),
    path("my/proposals/<int:pk>/", views.detail, name="detail"),
    path("my/proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("my/proposals/<int:pk>/edit/<slug:section>/", views.save_section, name="save_section"),
    path("my/proposals/<int:pk>/submit/", views.review, name="submit"),
    path("my/proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The public side: anyone, no login.
    path("events/", views_public.event_list, name="list"),
    path("events/<int:pk>-<slug:slug>/", views_public.event_detail, name="event"),
    path(
        "events/<int:pk>-<slug:slug>/calendar.ics",
        views_public.event_calendar,
        name="event_calendar",
    ),
    *(
        path(f"events.{fmt}", views_public.feed, {"fmt": fmt}, name=f"feed_{fmt}")
        for fmt in views_public.FEED_TYPES
    ),
    path("embed/map/", views_public.embed_map, name="embed_map"),
]
