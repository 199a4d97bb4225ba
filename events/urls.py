from django.urls import path

from . import views, views_library, views_public, views_reports

app_name = "events"

urlpatterns = [
    path("my/proposals/new/", views.start, name="start"),
    path("my/proposals/<int:pk>/", views.detail, name="detail"),
    path("my/proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("my/proposals/<int:pk>/edit/<slug:section>/", views.save_section, name="save_section"),
    path("my/proposals/<int:pk>/submit/", views.review, name="submit"),
    path("my/proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The report after the event (events/views_reports.py)
    path("my/proposals/<int:pk>/report/", views_reports.report, name="report"),
    path("my/proposals/<int:pk>/report/save/", views_reports.save, name="report_save"),
    path("my/proposals/<int:pk>/report/submit/", views_reports.submit, name="report_submit"),
    path("my/proposals/<int:pk>/report/files/", views_reports.upload, name="report_upload"),
    path(
        "my/proposals/<int:pk>/report/files/<int:file_pk>/remove/",
        views_reports.remove_file,
        name="report_file_remove",
    ),
    path(
        "my/proposals/<int:pk>/report/files/<int:file_pk>/public/",
        views_reports.file_public,
        name="report_file_public",
    ),
    path("report-files/<int:file_pk>/", views_reports.download, name="report_file"),
    path(
        "proposals/<int:pk>/answers/<int:question_pk>/file/",
        views_reports.answer_file,
        name="answer_file",
    ),
    path("partner/reports/<int:pk>/accept/", views_reports.accept, name="report_accept"),
    path(
        "partner/reports/<int:pk>/request-changes/",
        views_reports.request_changes,
        name="report_request_changes",
    ),
    # The public side: anyone, no login.
    path("events/", views_public.event_list, name="list"),
    path("events/<int:pk>-<slug:slug>/", views_public.event_detail, name="event"),
    path(
        "events/<int:pk>-<slug:slug>/calendar.ics",
        views_public.event_calendar,
        name="event_calendar",
    ),
    path(
        "events/<int:pk>-<slug:slug>/photos/<int:file_pk>/",
        views_reports.public_photo,
        name="event_photo",
    ),
    # The open feeds (/events.geojson, ...) are in events/urls_feeds.py: no language prefix.
    path("embed/map/", views_public.embed_map, name="embed_map"),
    path("library/", views_library.library, name="library"),
    path("library/<int:pk>/file/", views_library.resource_file, name="library_file"),
]
