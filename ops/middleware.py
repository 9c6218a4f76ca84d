import logging

from django.db import InterfaceError, OperationalError
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or restarting, answer 503 with a page instead of a 500 traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, exc):
        logger.warning("database unavailable for %s: %s", request.path, exc)
        response = TemplateResponse(request, "503.html", status=503, headers={"Retry-After": "5"})
        return response.render()
