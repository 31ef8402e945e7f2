from django.urls import path

from . import public_views, views

agreement = "overenskommelser/<int:pk>/publicering/"
feedback = agreement + "aterkoppling/<int:feedback_pk>/"
public = "medborgarloften/"
municipality = public + "<slug:kommun>/"

urlpatterns = [
    # Editors of a citizen promise (login).
    path(agreement, views.publication, name="citizen_publication"),
    path(agreement + "publicera/", views.publish, name="citizen_publish"),
    path(agreement + "avpublicera/", views.unpublish, name="citizen_unpublish"),
    path(feedback + "publicera/", views.feedback_publish, name="citizen_feedback_publish"),
    path(feedback + "avpublicera/", views.feedback_unpublish, name="citizen_feedback_unpublish"),
    path(feedback + "ta-bort/", views.feedback_delete, name="citizen_feedback_delete"),
    # Everyone, without login and without cookies.
    path(public, public_views.municipality_list, name="citizen_municipalities"),
    path(public + "bekrafta/<str:token>/", public_views.confirm, name="citizen_confirm"),
    path(public + "avsluta/<str:token>/", public_views.unsubscribe, name="citizen_unsubscribe"),
    path(municipality, public_views.municipality_page, name="citizen_municipality"),
    path(municipality + "flode.atom", public_views.municipality_feed, name="citizen_feed"),
    path(municipality + "prenumerera/", public_views.subscribe, name="citizen_subscribe"),
    path(
        municipality + "medborgarlofte-<int:pk>.pdf",
        public_views.signed_pdf,
        name="citizen_signed_pdf",
    ),
]
