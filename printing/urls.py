from django.urls import path

from . import views

agreement = "overenskommelser/<int:pk>/"
report = agreement + "uppfoljning/rapporter/<int:report_pk>/"

urlpatterns = [
    path(agreement + "utskrift/", views.agreement_print, name="agreement_print"),
    path(agreement + "utskrift/<int:job_pk>/", views.print_job, name="print_job"),
    path(agreement + "utskrift/<int:job_pk>/pdf/", views.print_job_pdf, name="print_job_pdf"),
    path(agreement + "handlingsplaner/<int:plan_pk>/pdf/", views.plan_print, name="plan_print"),
    path(report + "pdf/", views.report_pdf, name="report_pdf"),
]
