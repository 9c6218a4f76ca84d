from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops.health import database_answers
from ops.jobs import fresh_worker_exists


@never_cache
@require_GET
def health(request):
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


@never_cache
@require_GET
def health_worker(request):
    if fresh_worker_exists(stall_seconds=settings.JOBS_STALL_SECONDS):
        return JsonResponse({"status": "ok", "worker": "alive"})
    return JsonResponse({"status": "unavailable", "worker": "no fresh heartbeat"}, status=503)
