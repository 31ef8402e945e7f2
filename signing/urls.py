from django.urls import path

from . import views

agreement = "overenskommelser/<int:pk>/"
version = agreement + "versioner/<int:number>/"

urlpatterns = [
    path(agreement + "klar-for-underskrift/", views.make_ready, name="make_ready"),
    path(version, views.version_detail, name="version_detail"),
    path(version + "pdf/", views.version_pdf, name="version_pdf"),
    path(version + "pdf/forsok-igen/", views.version_pdf_retry, name="version_pdf_retry"),
    path(version + "underskrift/", views.register_signature, name="register_signature"),
    path(version + "underskriven.pdf", views.version_scan, name="version_scan"),
    path(version + "tillbaka-till-utkast/", views.undo_ready, name="undo_ready"),
    path(agreement + "revidera/", views.revise, name="revise"),
    path(agreement + "jamfor/", views.compare_versions, name="compare_versions"),
    path(agreement + "giltighet/", views.validity, name="validity"),
]
