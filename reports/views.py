from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reports.forms import DailyReportPreferenceForm
from reports.models import DailyReportOptOut, ReportRun


def _visible_run(request: HttpRequest, pk: int) -> ReportRun:
    return get_object_or_404(ReportRun.objects.visible_to(request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    runs = ReportRun.objects.filter(author=request.user)[:50]
    return render(request, "reports/index.html", {"runs": runs})


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    return redirect(ReportRun.objects.start_for(request.user))


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/run_detail.html", {"run": _visible_run(request, pk)})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/_run_progress.html", {"run": _visible_run(request, pk)})


@login_required
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    run = _visible_run(request, pk)
    if run.status != ReportRun.Status.SUCCEEDED or not run.result:
        raise Http404("This export has no file.")
    filename = f"quick-publisher-stats-{run.pk}.csv"
    return FileResponse(run.result.open("rb"), as_attachment=True, filename=filename)


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    if run.cancel():
        messages.success(request, "The export was cancelled.")
    else:
        messages.info(request, "This export had already finished.")
    return redirect(run)


@login_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    return redirect(ReportRun.objects.start_for(run.author))


@login_required
@require_POST
def daily_report_preference(request: HttpRequest) -> HttpResponse:
    form = DailyReportPreferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to receive the daily report.")
        return redirect("reports:index")
    enabled = form.cleaned_data["enabled"]
    DailyReportOptOut.set_for(request.user, enabled=enabled)
    messages.success(
        request, "Daily reports turned on." if enabled else "Daily reports turned off."
    )
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("reports:index")
    return redirect(target)
