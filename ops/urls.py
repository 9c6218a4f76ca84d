from django.urls import path

from ops import dashboard, views

app_name = "ops"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/worker", views.health_worker, name="health_worker"),
    path("metrics", dashboard.metrics_view, name="metrics"),
    path("ops/", dashboard.overview, name="overview"),
    path("ops/jobs/", dashboard.job_list, name="jobs"),
    path("ops/jobs/bulk/<slug:action>/", dashboard.bulk_action, name="bulk_action"),
    path("ops/jobs/<int:job_id>/", dashboard.job_detail, name="job_detail"),
    path("ops/jobs/<int:job_id>/<slug:action>/", dashboard.job_action, name="job_action"),
    path("ops/workers/", dashboard.worker_list, name="workers"),
    path("ops/periodic/", dashboard.periodic_list, name="periodic"),
    path("ops/periodic/run/", dashboard.periodic_run, name="periodic_run"),
    path("ops/queues/pause/", dashboard.queue_state, {"paused": True}, name="queue_pause"),
    path("ops/queues/resume/", dashboard.queue_state, {"paused": False}, name="queue_resume"),
]
