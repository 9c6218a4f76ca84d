from django.contrib import admin

from reports.models import DailyDispatch, DailyReport, DailyReportOptOut, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["author"]


@admin.register(DailyDispatch)
class DailyDispatchAdmin(admin.ModelAdmin):
    list_display = ["day", "authors", "dispatched_at"]


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ["author", "day", "sent_at"]
    list_filter = ["day"]
    raw_id_fields = ["author"]


admin.site.register(DailyReportOptOut)
