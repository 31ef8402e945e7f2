from django.contrib import admin

from .models import PrintJob


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "agreement", "status", "requested_at"]
    list_select_related = ["agreement"]
    exclude = ["html"]
