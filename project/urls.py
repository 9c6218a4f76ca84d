from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    # MEDIA_ROOT read per request, not frozen when this module is imported.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    # The admin signs in through the site's login, which throttles failed attempts.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("reports/", include("reports.urls")),
    path("", include("ops.urls")),
    path("", include("blog.urls")),
]

if settings.SERVE_MEDIA:
    # Covers only: report exports share MEDIA_ROOT but stay behind their owner-checked view.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>covers/.+)$", serve_media),
    ]
