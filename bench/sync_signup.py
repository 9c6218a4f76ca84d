"""Benchmark-only URLs: the product's signup view, then its verification email sent in the request.

What the seed did before it had a queue. Loaded by bench/signup_settings.py's ROOT_URLCONF, so the
product has no such code path or setting. The job the signup also defers is never run: no worker
runs during this variant's rounds (bench/signup.py), so each user gets one email, the inline one.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts import views
from accounts.emails import send_verification_email
from project.urls import urlpatterns as product_urlpatterns


def signup_sending_inline(request: HttpRequest) -> HttpResponse:
    response = views.signup_view(request)
    if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
        send_verification_email(user_id=request.user.pk, job_id=0)
    return response


urlpatterns = [path("accounts/signup/", signup_sending_inline), *product_urlpatterns]
