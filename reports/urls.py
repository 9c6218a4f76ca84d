from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.run_detail, name="run_detail"),
    path("exports/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("exports/<int:pk>/download/", views.run_download, name="run_download"),
    path("exports/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("exports/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("daily/", views.daily_report_preference, name="daily_report_preference"),
]
