"""The staff dashboard: overview, jobs, one job, workers, periodic tasks, and their actions."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from procrastinate.contrib.django.models import ProcrastinateJob

from ops import chart, jobs, metrics, periodic
from ops.forms import JobFilterForm, QueueForm
from ops.models import JobAttempt

PAGE_SIZE = 50


@staff_member_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    series = jobs.throughput_per_minute()
    context = {"queues": jobs.queue_stats(), "chart": chart.throughput_svg(series)}
    return render(request, "ops/overview.html", context)


@staff_member_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    form = JobFilterForm(request.GET)
    selected = form.jobs() if form.is_valid() else ProcrastinateJob.objects.none()
    before = request.GET.get("before", "")
    page = selected.filter(id__lt=int(before)) if before.isdigit() else selected
    rows = list(page[: PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    next_before = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    context = {
        "form": form,
        "jobs": rows[:PAGE_SIZE],
        "next_before": next_before,
        "filter": params.urlencode(),
    }
    return render(request, "ops/job_list.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def bulk_action(request: HttpRequest, action: str) -> HttpResponse:
    if action not in jobs.ACTIONS:
        raise Http404("No such action.")
    form = JobFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, "That filter is not valid.")
        return redirect("ops:jobs")
    back = f"{reverse('ops:jobs')}?{request.GET.urlencode()}"
    if request.method == "POST":
        done = jobs.apply_action(action=action, jobs=form.jobs())
        messages.success(request, f"{action.capitalize()}: {done} job(s).")
        return redirect(back)
    count = jobs.actionable_count(action=action, jobs=form.jobs())
    context = {"action": action, "count": count, "filter": form.cleaned_data, "back": back}
    return render(request, "ops/bulk_confirm.html", context)


@staff_member_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = ProcrastinateJob.objects.get(id=job_id)
    except ProcrastinateJob.DoesNotExist:
        raise Http404("No such job (it may have been pruned).") from None
    context = {
        "job": job,
        "args_json": json.dumps(job.args, sort_keys=True),
        "events": job.procrastinateevent_set.order_by("at", "id"),
        "attempts": JobAttempt.objects.filter(job_id=job.id).order_by("attempt"),
        "actions": [name for name, (statuses, _) in jobs.ACTIONS.items() if job.status in statuses],
    }
    return render(request, "ops/job_detail.html", context)


@staff_member_required
@require_POST
def job_action(request: HttpRequest, job_id: int, action: str) -> HttpResponse:
    if action not in jobs.ACTIONS:
        raise Http404("No such action.")
    done = jobs.apply_action(action=action, jobs=ProcrastinateJob.objects.filter(id=job_id))
    if done:
        messages.success(request, f"{action.capitalize()} requested for job #{job_id}.")
    else:
        messages.warning(request, f"Job #{job_id} cannot be {action}ed in its current state.")
    return redirect("ops:job_detail", job_id=job_id)


@staff_member_required
@require_GET
def worker_list(request: HttpRequest) -> HttpResponse:
    context = {"workers": jobs.workers(stall_seconds=settings.JOBS_STALL_SECONDS)}
    return render(request, "ops/worker_list.html", context)


@staff_member_required
@require_GET
def periodic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ops/periodic_list.html", {"periodic_tasks": periodic.periodic_tasks()})


@staff_member_required
@require_POST
def periodic_run(request: HttpRequest) -> HttpResponse:
    job_id = periodic.run_now(key=request.POST.get("key", ""))
    if job_id is None:
        messages.error(request, "There is no such periodic task.")
    else:
        messages.success(request, f"Deferred job #{job_id}.")
    return redirect("ops:periodic")


@staff_member_required
@require_POST
def queue_state(request: HttpRequest, *, paused: bool) -> HttpResponse:
    form = QueueForm(request.POST)
    if form.is_valid():
        queue = form.cleaned_data["queue"]
        if paused:
            jobs.pause_queue(queue=queue, by=request.user.get_username())
            messages.success(request, f"Queue {queue} paused: workers take none of its jobs.")
        else:
            jobs.resume_queue(queue=queue)
            messages.success(request, f"Queue {queue} resumed.")
    return redirect("ops:overview")


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_active and request.user.is_staff) and not _has_metrics_token(request):
        raise PermissionDenied("Staff session or metrics token required.")
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _has_metrics_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())
