from django.urls import path

from . import assessing, attachment_views, calendar_views, seeing, task_views, views

row = "overenskommelser/<int:pk>/handlingsplaner/<int:plan_pk>/rader/<int:item_pk>/"
hub = "overenskommelser/<int:pk>/uppfoljning/"

urlpatterns = [
    path(row + "uppfoljning/", views.entry_create, name="entry_create"),
    path(hub, views.follow_up, name="follow_up"),
    path(hub + "poster/<int:entry_pk>/sedd/", seeing.entry_seen, name="entry_seen"),
    path(
        hub + "poster/<int:entry_pk>/bilagor/ny/",
        attachment_views.entry_attachment_add,
        name="entry_attachment_add",
    ),
    path(
        hub + "bilagor/<int:attachment_pk>/",
        attachment_views.attachment_download,
        name="attachment_download",
    ),
    path(
        hub + "bilagor/<int:attachment_pk>/ta-bort/",
        attachment_views.attachment_remove,
        name="attachment_remove",
    ),
    path("mina-uppgifter/", task_views.my_tasks_page, name="my_tasks"),
    path(hub + "kadens/ny/", views.cadence_create, name="cadence_create"),
    path(hub + "kadens/<int:cadence_pk>/ta-bort/", views.cadence_delete, name="cadence_delete"),
    path(hub + "matt/nytt/", views.indicator_form, name="indicator_create"),
    path(hub + "matt/<int:indicator_pk>/", views.indicator_detail, name="indicator_detail"),
    path(hub + "matt/<int:indicator_pk>/redigera/", views.indicator_form, name="indicator_edit"),
    path(hub + "rapporter/ny/", views.report_create, name="report_create"),
    path(hub + "rapporter/<int:report_pk>/", views.report_detail, name="report_detail"),
    path(
        hub + "rapporter/<int:report_pk>/bedomning/",
        assessing.report_assessment,
        name="report_assessment",
    ),
    path(
        hub + "rapporter/<int:report_pk>/bilagor/ny/",
        attachment_views.report_attachment_add,
        name="report_attachment_add",
    ),
    path(
        hub + "rapporter/<int:report_pk>/slutgiltig/",
        views.report_finalise,
        name="report_finalise",
    ),
    path(
        "overenskommelser/<int:pk>/kalender.ics", calendar_views.calendar_download, name="calendar"
    ),
    path("kalender/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
